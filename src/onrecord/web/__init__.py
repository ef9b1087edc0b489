"""The explorer: ``onrecord serve``, server-rendered pages and a JSON API over the store.

``app.create_app`` builds the FastAPI app; ``cli.register`` adds the ``serve`` command. Pages
and API read through ``onrecord.store.queries`` (the functions the CLI uses) plus the few
paged listings in ``listing``. Article text is untrusted: it is only ever sliced at offsets
and escaped piece by piece (``highlight``), never marked safe.
"""
