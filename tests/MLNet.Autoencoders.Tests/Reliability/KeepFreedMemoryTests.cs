using Microsoft.ML;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using MLNet.Autoencoders.Training;
using Xunit;

namespace MLNet.Autoencoders.Tests.Reliability;

/// <summary>
/// While a training runs, glibc keeps freed memory in its heap (large blocks are not mapped on their own); before and after,
/// glibc behaves as it did, and the app can keep glibc's own behaviour. Process-wide state: these run alone.
/// </summary>
[Collection(MemoryMeasurementCollection.Name)]
public class KeepFreedMemoryTests
{
    private static void WithEnvironment(string name, string? value, Action action)
    {
        string? saved = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
        try
        {
            action();
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, saved);
        }
    }

    [Fact]
    public async Task A_fresh_process_maps_large_blocks_before_and_after_a_fit_and_not_during_it()
    {
        if (!OperatingSystem.IsLinux()) return; // glibc's behaviour; the build and CI machines are Linux
        Assert.Equal(["before True", "during False", "during False", "after True"], await RunHost(optOut: null));
        Assert.Equal(["before True", "during True", "during True", "after True"], await RunHost(optOut: "0"));
    }

    [Fact]
    public void Nested_scopes_keep_the_setting_until_the_last_one_closes()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.False(NativeMemory.KeepingFreedMemory);
        var outer = NativeMemory.KeepFreedMemoryWhileTraining();
        Assert.True(NativeMemory.KeepingFreedMemory);
        var inner = NativeMemory.KeepFreedMemoryWhileTraining();
        inner.Dispose();
        inner.Dispose(); // a second Dispose must not close the outer scope
        Assert.True(NativeMemory.KeepingFreedMemory);
        outer.Dispose();
        Assert.False(NativeMemory.KeepingFreedMemory);
    }

    [Theory]
    [InlineData(NativeMemory.KeepFreedMemoryOptOutVariable, "0")]
    [InlineData(NativeMemory.KeepFreedMemoryOptOutVariable, " False ")]
    [InlineData("MALLOC_MMAP_MAX_", "65536")]
    [InlineData("MALLOC_TRIM_THRESHOLD_", "131072")]
    public void The_opt_out_or_the_apps_own_glibc_settings_leave_glibc_alone(string variable, string value)
    {
        if (!OperatingSystem.IsLinux()) return;
        WithEnvironment(variable, value, () =>
        {
            using var scope = NativeMemory.KeepFreedMemoryWhileTraining();
            Assert.False(NativeMemory.KeepingFreedMemory, $"with {variable}={value} glibc must be left alone");
        });
        WithEnvironment(NativeMemory.KeepFreedMemoryOptOutVariable, "1", () =>
        {
            using var scope = NativeMemory.KeepFreedMemoryWhileTraining();
            Assert.True(NativeMemory.KeepingFreedMemory);
        });
    }

    [Fact]
    public void A_fit_keeps_freed_memory_during_its_epochs_only_and_the_opt_out_trains_the_same_model()
    {
        if (!OperatingSystem.IsLinux()) return;
        var rows = SyntheticData.Rows(200);
        var seen = new List<bool>();
        float[][] Fit()
        {
            var ml = new MLContext(seed: 3);
            var data = SyntheticData.Load(ml, rows);
            using var model = Kinds.Estimator(ml, Kind.Plain, o =>
            {
                o.Epochs = 2;
                o.EpochCallback = _ => seen.Add(NativeMemory.KeepingFreedMemory);
            }).Fit(data);
            return ColumnReader.ReadVectors(model.Transform(data), "Latent");
        }

        float[][] kept = Fit();
        Assert.Equal([true, true], seen);
        Assert.False(NativeMemory.KeepingFreedMemory);

        seen.Clear();
        float[][] optedOut = [];
        WithEnvironment(NativeMemory.KeepFreedMemoryOptOutVariable, "0", () => optedOut = Fit());
        Assert.Equal([false, false], seen);
        // Where memory comes from must not change a single number.
        Assert.Equal(kept.Length, optedOut.Length);
        for (int i = 0; i < kept.Length; i++) Assert.Equal(kept[i], optedOut[i]);
    }

    private static Task<string[]> RunHost(string? optOut) => TrainingHostProcess.Report("glibc", new Dictionary<string, string?>
    {
        [NativeMemory.KeepFreedMemoryOptOutVariable] = optOut,
        ["MALLOC_MMAP_MAX_"] = null, ["MALLOC_TRIM_THRESHOLD_"] = null, ["MALLOC_MMAP_THRESHOLD_"] = null,
    });
}
