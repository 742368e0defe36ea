"""nverify back-end: checked model -> Z3 -> findings -> reports."""
