using System.Runtime.InteropServices;

namespace MLNet.Autoencoders.Training;

/// <summary>
/// Keeps glibc from hoarding the memory libtorch frees. Each training step allocates and frees a few MB of activations;
/// glibc's malloc can keep the freed pages (measured with TorchSharp's Adam step, probably through its large temporaries
/// raising glibc's mmap threshold: resident memory grew by about 1 GB per Fashion-MNIST epoch with the live tensor count
/// flat), so the process looked like it leaked. Giving the free pages back costs page faults when they are used again — about 12 % of an MLP epoch when it
/// was done every 4 steps — so it is done only when resident memory has grown by <see cref="GrowthBeforeRelease"/> since
/// the last release, and at each epoch's end. A no-op where glibc is not the C library.
/// </summary>
internal static partial class NativeMemory
{
    /// <summary>Training steps between two looks at resident memory (a read of /proc/self/statm, microseconds).</summary>
    public const int StepsBetweenChecks = 4;

    /// <summary>Growth of resident memory since the last release that triggers the next one. Measured on the MLP with the
    /// fused Adam step: peak resident memory 524 MB without step releases against 519 MB releasing every 4 steps, and
    /// 6.7–7.2 s against 7.6–8.2 s per epoch; this bound keeps the peak within 32 MB of the always-release figure when
    /// something does make glibc hoard.</summary>
    public const long GrowthBeforeRelease = 32L << 20;

    private static bool unavailable = !OperatingSystem.IsLinux();
    private static long residentAfterRelease;

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    /// <summary>After training step number <paramref name="step"/> (counted from 1): every few steps, gives free pages back
    /// if resident memory has grown by more than <see cref="GrowthBeforeRelease"/> since the last release.</summary>
    public static void AfterStep(long step)
    {
        if (unavailable || step % StepsBetweenChecks != 0) return;
        long resident = ResidentBytes();
        if (resident >= 0 && resident - Volatile.Read(ref residentAfterRelease) > GrowthBeforeRelease) ReleaseFreePages();
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
