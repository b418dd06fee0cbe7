"""caseflow.workflow."""
