-- 0010: per-app gRPC routing (paas grpc:enable): requests with a gRPC content type go to the app's web processes as
-- HTTP/2 without TLS (h2c with prior knowledge), every other request stays HTTP/1.1.
ALTER TABLE apps ADD COLUMN grpc {bool} NOT NULL DEFAULT {false};
