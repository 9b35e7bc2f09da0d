# unit tests (log_rt)
