"""The public ``Client``: the native client plus an asyncio method."""

from __future__ import annotations

import _thread

from ._cloudsso import NativeClient, ResetUserPasswordResult

# Importing typing, threading, functools, asyncio or concurrent.futures would be
# most of this package's import time, so none is imported here: annotations are
# strings (see the __future__ import) whose names only type checkers import
# (mypy reads this idiom as typing.TYPE_CHECKING), the lock comes from _thread,
# and the async method imports what it needs on first use.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor
    from typing import Optional

__all__ = ["Client"]

#: Calls that may wait on the network at once from ``reset_user_password_async``.
ASYNC_WORKERS = 64

_executor: Optional[ThreadPoolExecutor] = None
_executor_lock = _thread.allocate_lock()


def _shared_executor() -> ThreadPoolExecutor:
    """A pool of its own, so that async calls do not queue behind (or starve) the
    loop's default executor; threads are started only when needed."""
    global _executor
    with _executor_lock:
        if _executor is None:
            from concurrent.futures import ThreadPoolExecutor

            _executor = ThreadPoolExecutor(max_workers=ASYNC_WORKERS, thread_name_prefix="cloudsso")
        return _executor


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
        """``reset_user_password`` without blocking the event loop: the native call
        (which releases the GIL) runs on a worker thread; many may be in flight."""
        import asyncio
        import functools

        call = functools.partial(
            self.reset_user_password,
            directory_id,
            user_id,
            password=password,
            generate_random_password=generate_random_password,
            require_password_reset_for_next_login=require_password_reset_for_next_login,
        )
        return await asyncio.get_running_loop().run_in_executor(_shared_executor(), call)
