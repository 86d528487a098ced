from django.urls import path

from apps.benchmark.views import BenchUserView

urlpatterns = [
    path("user", BenchUserView.as_view(), name="bench-user"),
]
