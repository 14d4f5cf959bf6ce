"""Risk control: signals recorded with each action, rules read over them, and what a rule
that trips does (flag, hold or block); the cases it opens wait in the review queue.

Nothing here changes a balance outside the ledger: a hold keeps a credit back until a
review posts it, a rejected flagged credit is clawed back with the reason.
"""
