"""The public ``Client``: the native client plus an asyncio method."""

from __future__ import annotations

from . import _cloudsso
from ._cloudsso import ASYNC_WORKERS, NativeClient, ResetUserPasswordResult

# Importing typing or asyncio would be most of this package's import time, so
# neither is imported here: annotations are strings (see the __future__ import)
# whose names only type checkers import (mypy reads this idiom as
# typing.TYPE_CHECKING), and the async method imports asyncio on first use.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import asyncio
    import weakref
    from typing import Optional, Union

    from ._cloudsso import Completions

__all__ = ["ASYNC_WORKERS", "Client"]


def _complete(
    future: asyncio.Future[ResetUserPasswordResult],
    result: Optional[ResetUserPasswordResult],
    error: Optional[BaseException],
) -> None:
    """Runs on the event loop when a native call ends; a cancelled await drops it."""
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)  # type: ignore[arg-type]


#: Each event loop's completion channel (``None``: the loop cannot watch a
#: socket, so calls complete through ``call_soon_threadsafe``).
_channels: Optional[weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Optional[Completions]]] = None


def _completion_target(loop: asyncio.AbstractEventLoop) -> Union[Completions, asyncio.AbstractEventLoop]:
    """Where the native side sends this loop's finished calls: its channel, made
    on first use (worker threads then never take the GIL), or the loop itself."""
    global _channels
    if _channels is None:
        import weakref

        _channels = weakref.WeakKeyDictionary()
    if loop in _channels:
        return _channels[loop] or loop
    channel: Optional[Completions] = None
    completions = getattr(_cloudsso, "Completions", None)  # Unix only
    if completions is not None:
        channel = completions(_complete)
        try:
            loop.add_reader(channel.fileno(), channel.drain)
        except NotImplementedError:  # the proactor loop on Windows
            channel = None
    _channels[loop] = channel
    return channel or loop


class Client(NativeClient):
    """A CloudSSO client. Cheap to share: thread-safe, reuses connections.

    Every option is keyword-only; see ``docs/PYTHON.md``. With no access key
    given, credentials come from ``ALIBABA_CLOUD_ACCESS_KEY_ID``,
    ``ALIBABA_CLOUD_ACCESS_KEY_SECRET`` and ``ALIBABA_CLOUD_SECURITY_TOKEN``.
    """

    __slots__ = ()
    __module__ = "cloudsso"

    async def reset_user_password_async(
        self,
        directory_id: str,
        user_id: str,
        *,
        password: Optional[str] = None,
        generate_random_password: Optional[bool] = None,
        require_password_reset_for_next_login: Optional[bool] = None,
    ) -> ResetUserPasswordResult:
        """``reset_user_password`` without blocking the event loop: bad input
        raises at once; the call runs on a native thread (no GIL held) and
        completes the awaited future on this loop, woken through a socket it
        watches. Many may be in flight."""
        import asyncio

        loop = asyncio.get_running_loop()
        future: asyncio.Future[ResetUserPasswordResult] = loop.create_future()
        self._start_reset(
            _completion_target(loop),
            future,
            _complete,
            directory_id,
            user_id,
            password,
            generate_random_password,
            require_password_reset_for_next_login,
        )
        return await future
