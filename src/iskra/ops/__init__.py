"""Operations over every app: the background worker and its periodic sweeps."""
