using System.Net;
using System.Net.Sockets;
using EtcdRemediator.Etcd.Channels;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace EtcdRemediator.Etcd.Credentials;

/// <summary>
/// TLS with an Ed25519 client key, which .NET's TLS (SslStream) cannot load: Talos issues Ed25519
/// keys by default (its OS CA is Ed25519). BouncyCastle's TLS client does the handshake (TLS 1.3 or
/// 1.2, ALPN h2) inside <see cref="SocketsHttpHandler.ConnectCallback"/>, and HTTP/2 runs over the
/// stream it returns; the channel's own address is then http://, so that no second TLS layer is added.
/// The server is checked as SslStream would be for us: its certificate chains to the configured CA,
/// is valid now, and names the host (DNS name or IP address in its subjectAltName).
/// </summary>
internal static class Ed25519Tls
{
    /// <summary>The channel address for an https endpoint whose TLS the connect callback does.</summary>
    public static string PlainAddress(string endpoint) => "http://" + new Uri(endpoint).Authority;

    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(
        string host, Ed25519Credentials credentials, TimeSpan handshakeTimeout) =>
        async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                var network = new NetworkStream(socket, ownsSocket: true) { ReadTimeout = (int)handshakeTimeout.TotalMilliseconds };
                var protocol = new TlsClientProtocol(network);
                // BouncyCastle's handshake is blocking: off the caller's thread, bounded by the read timeout.
                await Task.Run(() => protocol.Connect(new Client(host, credentials)), cancellationToken);
                network.ReadTimeout = Timeout.Infinite;
                return new DuplexStream(protocol.Stream);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };

    private sealed class Client : DefaultTlsClient
    {
        private readonly string _host;
        private readonly Ed25519Credentials _credentials;

        public Client(string host, Ed25519Credentials credentials) : base(new BcTlsCrypto(new SecureRandom()))
        {
            _host = host;
            _credentials = credentials;
        }

        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.TLSv13.DownTo(ProtocolVersion.TLSv12);

        protected override IList<ProtocolName> GetProtocolNames() => [ProtocolName.Http_2_Tls];

        public override TlsAuthentication GetAuthentication() => new Authentication(this);

        private sealed class Authentication(Client client) : TlsAuthentication
        {
            public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
            {
                if (serverCertificate.Certificate is not { IsEmpty: false } chain)
                    throw new TlsFatalAlert(AlertDescription.bad_certificate, "the server sent no certificate");
                var server = new BcCertificate(chain.GetCertificateAt(0).GetEncoded());
                // Any CA of the file: during a CA rotation it holds the old and the new one.
                Exception? untrusted = null;
                foreach (var ca in client._credentials.Cas)
                {
                    try
                    {
                        server.Verify(ca.GetPublicKey());
                        server.CheckValidity(DateTime.UtcNow);
                        untrusted = null;
                        break;
                    }
                    catch (Exception e) when (e is GeneralSecurityException or InvalidKeyException or SignatureException
                                              or Org.BouncyCastle.Security.Certificates.CertificateException)
                    {
                        untrusted = e;
                    }
                }
                if (untrusted is not null)
                    throw new TlsFatalAlert(AlertDescription.bad_certificate, $"the server's certificate is not trusted: {untrusted.Message}");
                // As Go's crypto/tls and SslStream check it: an extended key usage, when present, must allow serverAuth.
                if (server.GetExtendedKeyUsage() is { Count: > 0 } usages && !usages.Any(u => u.Id is EtcdChannelPool.ServerAuth or "2.5.29.37.0"))
                    throw new TlsFatalAlert(AlertDescription.bad_certificate,
                        "the server's certificate is not for servers (its extended key usage lacks serverAuth)");
                if (!Names(server).Any(NamesHost))
                    throw new TlsFatalAlert(AlertDescription.bad_certificate, $"the server's certificate does not name {client._host}");
            }

            public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest)
            {
                var crypto = (BcTlsCrypto)client.Crypto;
                var entry = new BcTlsCertificate(crypto, client._credentials.Certificate.GetEncoded());
                var certificate = TlsUtilities.IsTlsV13(client.m_context)
                    ? new Certificate(certificateRequest.GetCertificateRequestContext(), [new CertificateEntry(entry, null)])
                    : new Certificate([entry]);
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(client.m_context), crypto, client._credentials.Key, certificate,
                    SignatureAndHashAlgorithm.ed25519);
            }

            private bool NamesHost(string name) =>
                IPAddress.TryParse(client._host, out var ip)
                    ? IPAddress.TryParse(name, out var named) && named.Equals(ip)
                    : string.Equals(name, client._host, StringComparison.OrdinalIgnoreCase)
                      || (name.StartsWith("*.", StringComparison.Ordinal) && client._host.EndsWith(name[1..], StringComparison.OrdinalIgnoreCase)
                          && client._host.IndexOf('.', StringComparison.Ordinal) == client._host.Length - name.Length + 1);

            /// <summary>DNS names (type 2) and IP addresses (type 7) of the subjectAltName.</summary>
            private static IEnumerable<string> Names(BcCertificate certificate) =>
                certificate.GetSubjectAlternativeNames()?.Select(n => ((int)n[0], n[1]?.ToString() ?? ""))
                    .Where(n => n.Item1 is 2 or 7).Select(n => n.Item2) ?? [];
        }
    }

    /// <summary>
    /// BouncyCastle's TLS stream reads and writes synchronously, and Stream's own async fallback lets
    /// only one of them run at a time; HTTP/2 keeps a read pending while it writes, which would wait
    /// forever. Each direction here runs on its own pool thread, so a read never blocks a write.
    /// </summary>
    private sealed class DuplexStream(Stream inner) : Stream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(buffer, out var segment))
                return ReadCopyAsync(buffer, cancellationToken);
            return new ValueTask<int>(Task.Run(() => inner.Read(segment.Array!, segment.Offset, segment.Count), cancellationToken));
        }

        private async ValueTask<int> ReadCopyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var copy = new byte[buffer.Length];
            var read = await Task.Run(() => inner.Read(copy, 0, copy.Length), cancellationToken);
            copy.AsMemory(0, read).CopyTo(buffer);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.Run(() => inner.Read(buffer, offset, count), cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            // The caller awaits the write, so its buffer stays valid: no copy unless it has no array.
            var segment = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(buffer, out var array)
                ? array
                : new ArraySegment<byte>(buffer.ToArray());
            return new ValueTask(Task.Run(() => inner.Write(segment.Array!, segment.Offset, segment.Count), cancellationToken));
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.Run(() => inner.Write(buffer, offset, count), cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.Run(inner.Flush, cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Flush() => inner.Flush();
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
