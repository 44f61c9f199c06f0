using System.Runtime.InteropServices;
using MLNet.Autoencoders.Native;

namespace MLNet.Autoencoders.Training;

/// <summary>
/// How training uses glibc's heap. During a training run freed memory is kept for reuse
/// (<see cref="KeepFreedMemoryWhileTraining"/>): mapping and unmapping libtorch's large per-step temporaries cost page
/// faults every step. Between epochs the free pages go back to the system (<see cref="ReleaseAfterEpoch"/>), and within an
/// epoch whenever resident memory has grown past a bound (<see cref="AfterStep"/>): without that, glibc's malloc kept freed
/// pages (measured with TorchSharp's Adam step, probably through its large temporaries raising glibc's mmap threshold:
/// resident memory grew by about 1 GB per Fashion-MNIST epoch with the live tensor count flat), so the process looked like
/// it leaked. A no-op where glibc is not the C library.
/// </summary>
internal static partial class NativeMemory
{
    /// <summary>Training steps between two looks at resident memory (a read of /proc/self/statm, microseconds).</summary>
    public const int StepsBetweenChecks = 4;

    /// <summary>Growth of resident memory since the last release that triggers the next one when freed memory is not kept
    /// (opted out, or glibc tuned by the app). Measured on the MLP with the fused Adam step: peak resident memory 524 MB without step releases against 519 MB releasing every 4 steps, and
    /// 6.7–7.2 s against 7.6–8.2 s per epoch; this bound keeps the peak within 32 MB of the always-release figure when
    /// something does make glibc hoard.</summary>
    public const long GrowthBeforeRelease = 32L << 20;

    private static bool unavailable = !OperatingSystem.IsLinux();
    private static long residentAfterRelease;

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    /// <summary>Environment variable that turns <see cref="KeepFreedMemoryWhileTraining"/> off: <c>0</c> or <c>false</c>.</summary>
    public const string KeepFreedMemoryOptOutVariable = "MLNET_AUTOENCODERS_KEEP_FREED_MEMORY";

    /// <summary>While freed memory is kept (<see cref="KeepFreedMemoryWhileTraining"/>), the growth of resident memory within
    /// an epoch that still triggers a release: a guard against a run that hoards, not a routine. The largest growth within
    /// an epoch measured with memory kept was the convolutional autoencoder's, about 350 MB over its post-epoch level
    /// (peak 790 MB, the same as when releasing at 32 MB), so this bound does not fire in normal training.</summary>
    public const long GrowthBeforeReleaseWhileKept = 512L << 20;

    // glibc's mallopt parameters and their defaults (malloc.h).
    private const int TrimThreshold = -1, MmapMax = -4;
    private const int DefaultTrimThreshold = 128 * 1024, DefaultMmapMax = 65536;
    private static readonly object ScopeGate = new();
    private static int openScopes;
    private static bool keeping;

    /// <summary>Whether a training run currently keeps freed memory (see <see cref="KeepFreedMemoryWhileTraining"/>).</summary>
    public static bool KeepingFreedMemory
    {
        get { lock (ScopeGate) return keeping; }
    }

    /// <summary>
    /// For the length of a training run: glibc keeps the memory libtorch frees for reuse instead of mapping every large
    /// block afresh and unmapping it when freed. libtorch's per-step temporaries (a convolution's unfolded input at batch
    /// 256 is 14 MB) are above glibc's 128 KB mmap threshold, so every step mapped them, page-faulted them in and unmapped
    /// them again; <c>perf</c> on an AMD EPYC family 26 VM (2026-12-03) put about a quarter of the convolutional epoch in
    /// the kernel's page-fault path. Sets <c>M_MMAP_MAX</c> = 0 (large blocks come from the heap; glibc still maps a block a
    /// thread's heap cannot hold) and a 2 GB <c>M_TRIM_THRESHOLD</c>, and within an epoch releases only past
    /// <see cref="GrowthBeforeReleaseWhileKept"/>; each epoch's end still gives the free pages back
    /// (<see cref="ReleaseAfterEpoch"/>), so resident memory stays flat from epoch to epoch. Measured together, same machine
    /// and session, full Fashion-MNIST: convolutional epoch 30–38 s → 17 s, MLP and VAE epochs about 20 % shorter, peak
    /// resident memory unchanged. The last scope to close puts glibc's defaults back (with its dynamic mmap threshold
    /// off, as after any <c>mallopt</c>) and gives the free pages back. Process-wide while a training runs (README,
    /// "Performance"). Nothing is changed where glibc is not the C library, where the app chose glibc's behaviour itself
    /// (<c>MALLOC_MMAP_MAX_</c> or <c>MALLOC_TRIM_THRESHOLD_</c> set), or with
    /// <see cref="KeepFreedMemoryOptOutVariable"/> = 0.
    /// </summary>
    public static IDisposable KeepFreedMemoryWhileTraining()
    {
        lock (ScopeGate)
        {
            if (openScopes++ == 0 && !unavailable && WantKeeping()) keeping = Set(MmapMax, 0, TrimThreshold, int.MaxValue);
        }
        return new Scope();
    }

    private static bool WantKeeping()
    {
        bool optedOut = EnvironmentSwitch.IsOff(Environment.GetEnvironmentVariable(KeepFreedMemoryOptOutVariable));
        bool appTunesGlibc = Environment.GetEnvironmentVariable("MALLOC_MMAP_MAX_") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null;
        return !optedOut && !appTunesGlibc;
    }

    private static bool Set(int firstParameter, int firstValue, int secondParameter, int secondValue)
    {
        try
        {
            return MallOpt(firstParameter, firstValue) == 1 && MallOpt(secondParameter, secondValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            unavailable = true;
            return false;
        }
    }

    private sealed class Scope : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) return;
            lock (ScopeGate)
            {
                if (--openScopes > 0 || !keeping) return;
                Set(MmapMax, DefaultMmapMax, TrimThreshold, DefaultTrimThreshold);
                keeping = false;
            }
            ReleaseFreePages();
        }
    }

    /// <summary>After training step number <paramref name="step"/> (counted from 1): every few steps, gives free pages back
    /// if resident memory has grown by more than <see cref="GrowthBeforeRelease"/> (<see cref="GrowthBeforeReleaseWhileKept"/>
    /// while freed memory is kept) since the last release.</summary>
    public static void AfterStep(long step)
    {
        if (unavailable || step % StepsBetweenChecks != 0) return;
        long resident = ResidentBytes();
        long bound = Volatile.Read(ref keeping) ? GrowthBeforeReleaseWhileKept : GrowthBeforeRelease;
        if (resident >= 0 && resident - Volatile.Read(ref residentAfterRelease) > bound) ReleaseFreePages();
    }

    /// <summary>
    /// At the end of an epoch: collects the managed garbage of the epoch (tensor handles, index arrays) so that their
    /// finalizers free what they still hold, then gives the free pages back. Costs a few milliseconds per epoch and keeps
    /// resident memory flat from epoch to epoch.
    /// </summary>
    public static void ReleaseAfterEpoch()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        ReleaseFreePages();
    }

    /// <summary>Gives free heap pages back to the operating system.</summary>
    public static void ReleaseFreePages()
    {
        if (unavailable) return;
        try
        {
            MallocTrim(0);
            Volatile.Write(ref residentAfterRelease, ResidentBytes());
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            unavailable = true;
        }
    }

    /// <summary>The process's resident memory in bytes (second field of /proc/self/statm, in pages), or −1.</summary>
    internal static long ResidentBytes()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return fields.Length > 1 && long.TryParse(fields[1], out long pages) ? pages * Environment.SystemPageSize : -1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /proc (another OS, a sandbox): releases then happen only at each epoch's end.
            return -1;
        }
    }
}
