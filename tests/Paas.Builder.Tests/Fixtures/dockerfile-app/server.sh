#!/bin/sh
exec busybox httpd -f -p "$PORT"
