"""The editorial plan: the calendar of planned posts (editorial_plan.csv), its validation, and the rules that match
planned posts with the posts published (matching.py, run by the dbt model int_editorial_plan_matched)."""
