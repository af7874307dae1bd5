using System.Net.Sockets;

namespace EtcdRemediator.IntegrationTests.Talos;

/// <summary>
/// OpenSSL's TLS in front of the apid stand-in (Debian's nginx, grpc_pass): an Ed25519 server
/// certificate, a required client certificate from the Ed25519 CA, as real apid's Go TLS presents
/// and requires (.NET's Kestrel cannot serve with an Ed25519 key). The verified client subject goes
/// on to the stand-in in a header, for its role checks.
/// </summary>
public sealed class NginxTlsFront : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private NginxTlsFront(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Endpoint = $"127.0.0.1:{port}";
    }

    /// <summary>host:port as a talosconfig's endpoints name it.</summary>
    public string Endpoint { get; }

    public static async Task<NginxTlsFront> StartAsync(Ed25519Pki pki, int upstreamPort)
    {
        var dir = Directory.CreateTempSubdirectory("etcdrem-it-nginx-").FullName;
        var port = FreePorts.Next();
        await File.WriteAllTextAsync(Path.Combine(dir, "nginx.conf"), $$"""
            daemon off;
            master_process off;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/error.log info;
            events {}
            http {
              access_log off;
              server {
                listen 127.0.0.1:{{port}} ssl http2;
                ssl_certificate {{pki.ServerCert}};
                ssl_certificate_key {{pki.ServerKey}};
                ssl_client_certificate {{pki.Ca}};
                ssl_verify_client on;
                location / {
                  grpc_set_header X-Client-Subject $ssl_client_s_dn;
                  grpc_read_timeout 600s;
                  grpc_pass grpc://127.0.0.1:{{upstreamPort}};
                }
              }
            }
            """);
        var process = ChildProcesses.Start(new ProcessStartInfo("nginx", ["-p", dir, "-c", Path.Combine(dir, "nginx.conf")]), _ => { });
        var front = new NginxTlsFront(process, dir, port);
        await Poll.UntilAsync(async () =>
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", port);
            return true;
        }, TimeSpan.FromSeconds(15), "nginx to listen");
        return front;
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.KillAsync(_process);
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
