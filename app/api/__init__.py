"""The POS / partner API: tills post purchases and refunds with a store's bearer key."""
