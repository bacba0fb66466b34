using VisPruner.Engine.Caching;

namespace VisPruner.Engine.Tests.Caching;

public sealed class BoundedLruCacheTests
{
    [Fact]
    public void The_least_recently_used_entries_leave_first_when_the_budget_is_exceeded()
    {
        var cache = new BoundedLruCache<string, byte[]>(capacity: 100, v => v.Length);
        cache.Add("a", new byte[40]);
        cache.Add("b", new byte[40]);
        Assert.True(cache.TryGet("a", out _));

        cache.Add("c", new byte[40]);

        Assert.True(cache.TryGet("a", out _));
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("c", out _));
    }

    [Fact]
    public void A_value_larger_than_the_budget_is_not_cached()
    {
        var cache = new BoundedLruCache<string, byte[]>(capacity: 10, v => v.Length);
        cache.Add("big", new byte[11]);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Replacing_a_key_keeps_one_entry_with_the_new_value()
    {
        var cache = new BoundedLruCache<string, byte[]>(capacity: 100, v => v.Length);
        cache.Add("a", new byte[10]);
        cache.Add("a", new byte[20]);

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("a", out byte[] value));
        Assert.Equal(20, value.Length);
    }

    [Fact]
    public void Concurrent_use_keeps_the_budget()
    {
        var cache = new BoundedLruCache<int, byte[]>(capacity: 1000, v => v.Length);
        Parallel.For(0, 10_000, i =>
        {
            cache.Add(i % 300, new byte[10 + (i % 7)]);
            cache.TryGet((i * 7) % 300, out _);
        });

        Assert.InRange(cache.Count, 1, 100);
    }
}
