#!/usr/bin/env python3
"""Posts a request to an inbound-SMS webhook as a Twilio-compatible gateway does: form-encoded fields,
signed with X-Twilio-Signature = base64(HMAC-SHA1(auth token, URL + each field's name and value, sorted by
name)). The signature is made for --signed-url (the address the gateway was given), the request sent to
--url. Prints "STATUS <code>" and then the response body.

  twilio_inbound.py --url URL --signed-url URL --token-file F [--bad-signature] NAME=VALUE...
"""
import argparse
import base64
import hashlib
import hmac
import urllib.error
import urllib.parse
import urllib.request


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--signed-url", required=True)
    p.add_argument("--token-file", required=True)
    p.add_argument("--bad-signature", action="store_true")
    p.add_argument("fields", nargs="*")
    a = p.parse_args()
    with open(a.token_file) as f:
        token = f.read().rstrip("\r\n")
    fields = [tuple(x.split("=", 1)) for x in a.fields]
    signed = a.signed_url + "".join(k + v for k, v in sorted(fields))
    signature = base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()
    if a.bad_signature:
        signature = base64.b64encode(b"x" * 20).decode()
    data = urllib.parse.urlencode(fields).encode()
    req = urllib.request.Request(a.url, data=data, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, body = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read().decode()
    print("STATUS %d" % status)
    print(body)


if __name__ == "__main__":
    main()
