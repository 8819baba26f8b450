#!/usr/bin/env python3
"""chat_transcript.py BINARY — the chat sample's test (tests/run.sh, part "samples"):
starts the compiled server, has three clients go through the protocol and its edge
cases (text before /nick and before /join, an unknown command, /nick inside a room,
/join of another room, /join of the same room, /quit, a client that just goes away),
and checks every line each client receives, exactly, in order.  Prints "ok" or what
differs; exit status 0 or 1."""

import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
import chatlib


def main():
    proc, port = chatlib.start_server(sys.argv[1])
    try:
        alice = chatlib.Client(port)
        alice.send("hello?")
        alice.expect("* set a name first: /nick NAME")
        alice.send("/join lobby")
        alice.expect("* set a name first: /nick NAME")
        alice.send("/nick alice")
        alice.expect("* you are alice")
        alice.send("hello?")
        alice.expect("* join a room first: /join ROOM")
        alice.send("/nick two words")
        alice.expect("* usage: /nick NAME (one word)")
        alice.send("/join lobby")
        alice.expect("* joined lobby")
        alice.send("/join lobby")
        alice.expect("* already in lobby")

        bob = chatlib.Client(port)
        bob.send("/nick bob", "/join lobby", "hi alice", "")  # pipelined; the empty line is ignored
        bob.expect("* you are bob")
        bob.expect("* joined lobby")
        alice.expect("* bob joined lobby")
        alice.expect("[lobby] bob: hi alice")

        carol = chatlib.Client(port)
        carol.send("/nick carol", "/join lobby")
        carol.expect("* you are carol")
        carol.expect("* joined lobby")
        alice.expect("* carol joined lobby")
        bob.expect("* carol joined lobby")

        alice.send("/frob")
        alice.expect("* unknown command /frob (/nick NAME, /join ROOM, /quit)")
        alice.send("hi both")
        bob.expect("[lobby] alice: hi both")
        carol.expect("[lobby] alice: hi both")

        carol.send("/nick caroline")
        carol.expect("* you are caroline")
        alice.expect("* carol is now caroline")
        bob.expect("* carol is now caroline")

        carol.send("/join den", "anyone?")  # leaves the lobby first
        carol.expect("* joined den")
        alice.expect("* caroline left lobby")
        bob.expect("* caroline left lobby")

        bob.send("/quit", "not read: after /quit")
        bob.expect("* bye")
        alice.expect("* bob left lobby")
        if bob.rest() != []:
            raise AssertionError("bob got more after * bye: %r" % bob.got)

        carol.send("/join lobby")
        carol.expect("* joined lobby")
        alice.expect("* caroline joined lobby")
        alice.close()  # goes away without /quit
        carol.expect("* alice left lobby")
        carol.send("/quit")
        carol.expect("* bye")
        if carol.rest() != []:
            raise AssertionError("carol got more: %r" % carol.got)
        carol.close()
        bob.close()
    except (AssertionError, OSError) as e:
        print("chat transcript: %s" % e)
        print(chatlib.stop_server(proc))
        return 1
    err = chatlib.stop_server(proc)
    if err.strip():
        print("chat transcript: the server wrote to stderr:\n" + err)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
