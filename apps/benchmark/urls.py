from django.urls import path

from apps.benchmark.views import BenchUserView, StockKnoxMeView

urlpatterns = [
    path("user", BenchUserView.as_view(), name="bench-user"),
    path("stock-knox/me", StockKnoxMeView.as_view(), name="bench-stock-knox-me"),
]
