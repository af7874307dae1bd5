namespace EtcdRemediator.Etcd;

/// <summary>An answer came from another member than the one the call named.</summary>
internal sealed class MemberIdentityException(string message) : Exception(message);

/// <summary>
/// Every answer of etcd carries the id of the member that gave it. A call that names a member
/// checks it, so that a wrong address can never turn "defragment m3" into "defragment m1".
/// </summary>
internal static class MemberIdentity
{
    public static string Mismatch(EtcdMember expected, ulong answeredBy) =>
        $"{expected.Address.Value} answered as member {MemberId.ToHex(answeredBy)}, " +
        $"not as {(expected.Name.Length > 0 ? expected.Name : "(unstarted)")} ({expected.HexId})";

    /// <summary>Throws unless the answer came from <paramref name="expected"/> (0: the backend does not say).</summary>
    public static void Verify(EtcdMember expected, ulong answeredBy)
    {
        if (answeredBy != 0 && answeredBy != expected.Id) throw new MemberIdentityException(Mismatch(expected, answeredBy));
    }
}
