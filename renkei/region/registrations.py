"""What the region app adds to the rest of Renkei (home-page items, indicators, evidence, the demo step): see
core.ready_hooks. Each part decorates its function with `@registrations.on_ready` and lists its module in
`hooks.py`.
"""

from renkei.core.ready_hooks import ReadyHooks

_hooks = ReadyHooks("renkei.region.hooks")
on_ready = _hooks.on_ready
register_all = _hooks.register_all
