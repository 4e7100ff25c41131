#!/usr/bin/env python3
"""Call a job of the Vert.x template through its TCP event-bus bridge.

Python 3.9 or later, standard library only. The bridge must be on: "bridge": {"enabled": true}
in conf/config.json (it listens on 127.0.0.1:7000 by default).

    python3 examples/python/bridge_client.py work.busy '{"ms": 200}'
    python3 examples/python/bridge_client.py --port 7000 work.hash '{"password": "correct horse"}'

The reply's body is printed on stdout as JSON; a failure is one line on stderr. Exit status:
0 the job answered; 1 the job failed (its failure code is on stderr); 2 the bridge refused the
frame (e.g. an address that is not public); 3 no connection, or the bridge closed it; 64 usage.

The protocol, in full in docs/EVENTBUS.md: every frame, both ways, is a 4-byte big-endian length
and then that many bytes of UTF-8 JSON. A request is a "send" frame with a "replyAddress" of the
caller's choosing; the answer is a "message" frame to that address, or an "err" frame to that
address carrying the job's "failureCode". An "err" frame without an address refuses the frame
itself. The BridgeClient class below is meant to be copied into a real service.
"""

import argparse
import json
import socket
import struct
import sys
import time
import uuid
from typing import Any, Dict, Optional, Tuple

# The failure codes of the job API (com.example.template.api.JobApi).
INVALID_REQUEST = 400
INTERNAL_ERROR = 500
OVERLOADED = 503
DEADLINE_EXCEEDED = 504

MAX_FRAME_BYTES = 64 * 1024  # larger frames make the bridge close the connection


class BridgeError(Exception):
    """Something the bridge answered instead of a reply."""


class JobFailed(BridgeError):
    """The job failed: code is one of the failure codes above, or -1 for a bus failure.

    failure_type is "RECIPIENT_FAILURE" when the job itself failed, "TIMEOUT" when no answer came
    in time, "NO_HANDLERS" when no node runs this job.
    """

    def __init__(self, code: int, failure_type: str, message: str):
        super().__init__(f"{failure_type} {code}: {message}")
        self.code = code
        self.failure_type = failure_type
        self.message = message


class Refused(BridgeError):
    """The bridge refused the frame itself (access_denied, missing_address, ...)."""


class BridgeClient:
    """One connection to the bridge. Not thread-safe: one request at a time per client.

    The bridge closes a connection that stays quiet (no job in flight, no frame) for
    bridge.idleTimeoutMs, 60 s by default: call ping() more often than that to keep one open, or
    open a new client when the old one raises ConnectionError.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 7000, timeout_s: float = 35.0):
        # The socket timeout is a safety net; the bridge itself answers TIMEOUT after the job's.
        self._sock = socket.create_connection((host, port), timeout=timeout_s)

    def __enter__(self) -> "BridgeClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._sock.close()

    def request(self, address: str, body: Any, request_id: Optional[str] = None,
                timeout_ms: Optional[int] = None) -> Tuple[Any, Dict[str, str]]:
        """Sends a job and returns (reply body, reply headers); raises JobFailed or Refused."""
        reply_address = "py." + uuid.uuid4().hex
        headers: Dict[str, Any] = {}
        if request_id:
            headers["x-request-id"] = request_id
        if timeout_ms:
            headers["timeout"] = timeout_ms
        self._write({"type": "send", "address": address, "replyAddress": reply_address,
                     "headers": headers, "body": body})
        while True:
            frame = self._read()
            kind = frame.get("type")
            if kind == "err" and "address" not in frame:
                raise Refused(frame.get("message", "refused"))
            if frame.get("address") != reply_address:
                continue  # not ours (e.g. a late answer to an earlier, abandoned request)
            if kind == "message":
                return frame.get("body"), frame.get("headers", {})
            if kind == "err":
                raise JobFailed(frame.get("failureCode", -1), frame.get("failureType", "UNKNOWN"),
                                frame.get("message", ""))

    def ping(self) -> None:
        self._write({"type": "ping"})
        frame = self._read()
        if frame.get("type") != "pong":
            raise BridgeError(f"expected pong, got {frame}")

    def _write(self, frame: Dict[str, Any]) -> None:
        data = json.dumps(frame, separators=(",", ":")).encode("utf-8")
        if len(data) > MAX_FRAME_BYTES:
            raise ValueError(f"frame of {len(data)} bytes is over the bridge's {MAX_FRAME_BYTES}")
        self._sock.sendall(struct.pack(">I", len(data)) + data)

    def _read(self) -> Dict[str, Any]:
        (length,) = struct.unpack(">I", self._read_exactly(4))
        return json.loads(self._read_exactly(length).decode("utf-8"))

    def _read_exactly(self, count: int) -> bytes:
        data = bytearray()
        while len(data) < count:
            chunk = self._sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("the bridge closed the connection")
            data += chunk
        return bytes(data)


def call_with_retries(client: BridgeClient, address: str, body: Any, request_id: str,
                      retries: int) -> Tuple[Any, Dict[str, str]]:
    """A request that waits and tries again while the node is OVERLOADED, as HTTP's Retry-After says."""
    for attempt in range(retries + 1):
        try:
            return client.request(address, body, request_id=request_id)
        except JobFailed as failed:
            if failed.code != OVERLOADED or attempt == retries:
                raise
            time.sleep(1.0)
    raise AssertionError("unreachable")


def explain(failed: JobFailed) -> str:
    """What a caller should make of each failure."""
    if failed.failure_type == "TIMEOUT":
        return "no answer in time; the job may still have run"
    if failed.failure_type == "NO_HANDLERS":
        return "no node runs this job right now; retry later"
    return {
        INVALID_REQUEST: "the request is wrong; fix it, retrying will not help",
        OVERLOADED: "the node is full or draining; retry later",
        DEADLINE_EXCEEDED: "the job's deadline passed before it could start",
        INTERNAL_ERROR: "a bug on the server side",
    }.get(failed.code, "an unknown failure code")


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description="Call a job through the TCP event-bus bridge.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7000)
    parser.add_argument("--request-id", default=None, help="logged as rid=... by the node that runs the job")
    parser.add_argument("--retries", type=int, default=2, help="tries again this often on OVERLOADED")
    parser.add_argument("address", help="a public job address, e.g. work.busy")
    parser.add_argument("json", help="the job's body, e.g. '{\"ms\": 200}'")
    args = parser.parse_args(argv)
    try:
        body = json.loads(args.json)
    except json.JSONDecodeError as e:
        parser.print_usage(sys.stderr)
        print(f"error: the body is not JSON: {e}", file=sys.stderr)
        return 64
    request_id = args.request_id or uuid.uuid4().hex[:16]
    try:
        with BridgeClient(args.host, args.port) as client:
            reply, headers = call_with_retries(client, args.address, body, request_id, args.retries)
    except JobFailed as failed:
        print(f"error: {args.address} failed with {failed.code} ({failed.failure_type}): "
              f"{failed.message} -- {explain(failed)} [rid={request_id}]", file=sys.stderr)
        return 1
    except Refused as refused:
        print(f"error: the bridge refused the frame: {refused}", file=sys.stderr)
        return 2
    except (OSError, ConnectionError) as e:
        print(f"error: cannot talk to the bridge at {args.host}:{args.port}: {e}", file=sys.stderr)
        return 3
    print(json.dumps(reply, indent=2))
    print(f"rid={headers.get('x-request-id', request_id)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
