// The tests run where the service runs: Linux (real etcd from Debian packages, file modes, signals).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
