# unit tests (stats_rt)
