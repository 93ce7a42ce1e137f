"""Defence: the agreed threat criteria (:mod:`.criteria`), interceptors and engagement planning."""
