"""The frontend contract: client flows, schema fuzzing and the breaking-change guard."""
