"""What every app's API router shares (ground level, below the apps): the request-body base
that refuses NUL, bounded ids and filters, pagination, authentication, the error schema and
the JSON errors middleware. The root router that gathers every app's router is ``iskra.api``."""
