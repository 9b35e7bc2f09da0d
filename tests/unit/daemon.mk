# unit tests (daemon)
