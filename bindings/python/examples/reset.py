"""Reset a CloudSSO user's password and print the generated one.

    ALIBABA_CLOUD_ACCESS_KEY_ID=... ALIBABA_CLOUD_ACCESS_KEY_SECRET=... \
        python reset.py [--endpoint URL | --region R] DIRECTORY_ID USER_ID [USER_ID ...]

The first user is reset with a blocking call, the others concurrently with
asyncio. Type-checked with `mypy --strict` by scripts/test-python.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import List, Optional, Sequence, Union

import cloudsso


async def reset_many(
    client: cloudsso.Client, directory_id: str, user_ids: Sequence[str]
) -> List[Union[cloudsso.ResetUserPasswordResult, BaseException]]:
    """Resets several users at once without blocking the event loop."""
    calls = [
        client.reset_user_password_async(directory_id, user_id, generate_random_password=True)
        for user_id in user_ids
    ]
    return list(await asyncio.gather(*calls, return_exceptions=True))


def describe(error: cloudsso.CloudSSOError) -> str:
    """One line a person can act on; never holds a secret."""
    if isinstance(error, cloudsso.ValidationError):
        return f"invalid {error.field}: {error}"
    if isinstance(error, cloudsso.ServiceError):
        return f"{error.code} (HTTP {error.http_status}, request id {error.request_id}): {error.message}"
    line = f"{error.kind}: {error}"
    if error.outcome_unknown:
        line += " -- check the user before retrying"
    return line


def report(user_id: str, result: cloudsso.ResetUserPasswordResult) -> None:
    print(f"{user_id}: request id {result.request_id}")
    print(f"{user_id}: new password: {result.new_password}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Reset CloudSSO user passwords.")
    parser.add_argument("--endpoint")
    parser.add_argument("--region")
    parser.add_argument("directory_id")
    parser.add_argument("user_ids", nargs="+")
    args = parser.parse_args(argv)
    directory_id: str = args.directory_id
    user_ids: List[str] = args.user_ids

    try:
        client = cloudsso.Client(endpoint=args.endpoint, region=args.region, max_attempts=3)
        first = client.reset_user_password(directory_id, user_ids[0], generate_random_password=True)
    except cloudsso.CloudSSOError as error:
        print(describe(error), file=sys.stderr)
        return 1
    report(user_ids[0], first)

    failed = 0
    for user_id, outcome in zip(user_ids[1:], asyncio.run(reset_many(client, directory_id, user_ids[1:]))):
        if isinstance(outcome, cloudsso.ResetUserPasswordResult):
            report(user_id, outcome)
        elif isinstance(outcome, cloudsso.CloudSSOError):
            print(f"{user_id}: {describe(outcome)}", file=sys.stderr)
            failed += 1
        else:
            raise outcome
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
