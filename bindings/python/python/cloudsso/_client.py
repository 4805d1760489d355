"""The public ``Client``: the native client plus an asyncio method."""

from __future__ import annotations

import os

from ._cloudsso import NativeClient, ResetUserPasswordResult

# Importing typing, asyncio or concurrent.futures would be most of this
# package's import time, so none is imported here: annotations are strings
# (see the __future__ import) whose names only type checkers import (mypy
# reads this idiom as typing.TYPE_CHECKING), and the async method imports what
# it needs on first use.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor
    from typing import Optional

__all__ = ["ASYNC_WORKERS", "Client"]

#: Calls that may wait on the network at once from ``reset_user_password_async``
#: (threads of the executor); more are queued.
ASYNC_WORKERS = 64

_executor: Optional[ThreadPoolExecutor] = None
_executor_pid = 0


def _async_executor() -> ThreadPoolExecutor:
    """The module's executor, made on first use and again in a forked child,
    which inherits the parent's executor but none of its threads."""
    global _executor, _executor_pid
    if _executor is None or _executor_pid != os.getpid():
        from concurrent.futures import ThreadPoolExecutor

        _executor = ThreadPoolExecutor(max_workers=ASYNC_WORKERS, thread_name_prefix="cloudsso-async")
        _executor_pid = os.getpid()
    return _executor


class Client(NativeClient):
    """A CloudSSO client. Cheap to share: thread-safe, reuses connections.

    Every option is keyword-only and comes from the core's option table; see
    ``docs/PYTHON.md``. With no access key given, credentials come from
    ``ALIBABA_CLOUD_ACCESS_KEY_ID``, ``ALIBABA_CLOUD_ACCESS_KEY_SECRET`` and
    ``ALIBABA_CLOUD_SECURITY_TOKEN``.
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
        """``reset_user_password`` without blocking the event loop: the call
        runs on a thread of a thread-pool executor (``loop.run_in_executor``),
        with the GIL released while it waits on the network. Many may be in
        flight. Cancelling the await abandons the result; a call already sent
        still completes on its thread."""
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
        return await asyncio.get_running_loop().run_in_executor(_async_executor(), call)
