namespace EtcdRemediator.Etcd.Channels;

/// <summary>Client URLs compared the way etcd prints them: scheme://host:port, no path or trailing slash.</summary>
internal static class EtcdEndpoint
{
    public static bool TryNormalize(string? text, out string normalized)
    {
        normalized = "";
        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri)) return false;
        if (uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host)) return false;
        if (uri.AbsolutePath is not ("/" or "") || !string.IsNullOrEmpty(uri.Query)) return false;
        normalized = $"{uri.Scheme}://{uri.Authority}";
        return true;
    }

    public static string Normalize(string text) =>
        TryNormalize(text, out var normalized) ? normalized : text.Trim().TrimEnd('/');
}
