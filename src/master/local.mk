# src/master: see its README
