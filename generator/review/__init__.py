"""The review cycle: approvals, snapshots of what was approved, changes, due dates."""
