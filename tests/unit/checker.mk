# unit tests (checker)
