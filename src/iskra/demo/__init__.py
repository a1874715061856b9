"""The demo: a made-up organisation seeded through the services officers use (``seed``), and
``iskra demo``, which serves it. On top of every app, which it reads and writes."""
