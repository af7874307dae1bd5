using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("EtcdRemediator.IntegrationTests.Infrastructure.StartsFirstOrderer", "EtcdRemediator.IntegrationTests")]

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// A test class that holds one of the runner's parallel slots for half a minute or more (a wait that is itself what the
/// test measures, a build, a class of many runs in sequence). Started before the others, it overlaps them; started
/// late, it ran alone at the end of the pass (95 s of KeepAliveTests and 53 s of the image build; SnapshotFaultTests,
/// NoSpaceRecoveryTests, RestartTests, MemberFaultTests and TalosNodeDiscoveryTests, 27-54 s each, ended three runs of the
/// pass while the cores had room, measured).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class StartsFirstAttribute : Attribute;

/// <summary>Collections of <see cref="StartsFirstAttribute"/> classes first, the rest in xunit's own order.</summary>
public sealed class StartsFirstOrderer : ITestCollectionOrderer
{
    private const string PerClass = "Test collection for ";
    private readonly DefaultTestCollectionOrderer _default = new();

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        _default.OrderTestCollections(testCollections).OrderBy(c => StartsFirst(c) ? 0 : 1);

    /// <summary>A class without a [Collection] of its own is one collection, which xunit names after the class.</summary>
    private static bool StartsFirst(ITestCollection collection) =>
        collection.DisplayName.StartsWith(PerClass, StringComparison.Ordinal)
        && typeof(StartsFirstOrderer).Assembly.GetType(collection.DisplayName[PerClass.Length..]) is { } type
        && type.IsDefined(typeof(StartsFirstAttribute), inherit: false);
}
