# unit tests (lb_rt)
