using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace MLNet.Autoencoders.Native;

/// <summary>
/// Lets libtorch's oneMKL use its optimised kernels on AMD processors where they measured faster: Zen 3 and later
/// (family 25 and up) and any AMD processor with AVX-512.
/// <para>oneMKL 2024, linked into <c>libtorch_cpu.so</c>, picks its optimised code paths only where its exported
/// <c>mkl_serv_intel_cpu_true</c> says the processor is Intel; on an AMD processor it runs a generic path. Measured
/// 2026-12-03 on an AMD EPYC of family 26 (Zen 5, 2 cores): single-precision GEMM at the MLP's training shapes
/// 165–185 GFLOP/s on the generic path, 320–400 GFLOP/s once that function answers 1 — the same kernels MKL runs on an
/// Intel processor with AVX-512, chosen by the CPU's own feature bits. Measured 2026-12-07 on family 25 (Zen 3, AVX2):
/// level at the 784-512-256-32 MLP's shapes, 10–30 % faster at the deep-clustering network's (widths 500, 2000 and 10:
/// 129–166 against 148–187 GFLOP/s), a training step of that network 8–17 % shorter. On family 23 (Zen, Zen 2) the
/// Intel AVX2 path measured slower at batch-256 shapes (RESULTS.md), so it is left alone there.</para>
/// <para>The change is made once, in this process's memory (the function's first bytes become "return 1"), right after
/// libtorch loads and before any tensor work; no file changes. It is process-wide, so it also speeds up other TorchSharp
/// code in the app; results differ from the generic path's only by float rounding, as they do between an AMD and an Intel
/// machine. Set <see cref="OptOutVariable"/> to <c>0</c> to keep MKL's own choice.</para>
/// </summary>
internal static class MklCodePath
{
    /// <summary>The environment variable that turns the change off when set to <c>0</c> (or <c>false</c>).</summary>
    public const string OptOutVariable = "MLNET_AUTOENCODERS_MKL_INTEL_PATH_ON_AMD";

    /// <summary>The first AMD family (Zen 3) where MKL's Intel path measured at least as fast without AVX-512.</summary>
    public const int FirstFamilyWithoutAvx512 = 25;

    private const string Library = "libtorch_cpu.so";
    private const string Symbol = "mkl_serv_intel_cpu_true";

    /// <summary>mov eax, 1; ret.</summary>
    private static readonly byte[] ReturnOne = [0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3];

    /// <summary>True once this process's MKL takes its Intel code paths on this AMD processor.</summary>
    public static bool Applied => State == "applied";

    /// <summary>Why the change was or was not made, for logs and benchmark records.</summary>
    public static string State { get; private set; } = "not checked";

    /// <summary>Whether the change is wanted: an AMD processor of family 25 or later or with AVX-512, and no opt-out.</summary>
    internal static bool Wanted(string vendor, int family, bool avx512, string? optOut) => WhyNotWanted(vendor, family, avx512, optOut) is null;

    /// <summary>Why the change is not wanted (the <see cref="State"/> to record), or null where it is.</summary>
    private static string? WhyNotWanted(string vendor, int family, bool avx512, string? optOut) =>
        vendor != "AuthenticAMD" ? $"left alone ({(vendor.Length == 0 ? "unknown" : vendor)} processor)"
        : !avx512 && family < FirstFamilyWithoutAvx512 ? $"left alone (AMD processor of family {family} without AVX-512)"
        : EnvironmentSwitch.IsOff(optOut) ? $"left alone ({OptOutVariable}={optOut})"
        : null;

    /// <summary>Whether this process's processor is one where the change is wanted (ignoring how far loading got).</summary>
    internal static bool WantedHere() => WhyNotWantedHere() is null;

    private static string? WhyNotWantedHere() =>
        WhyNotWanted(Vendor(), Family(), Avx512F.IsSupported, Environment.GetEnvironmentVariable(OptOutVariable));

    /// <summary>The processor's family as <c>/proc/cpuinfo</c> gives it (CPUID leaf 1: base family, plus the extended
    /// family when the base is 15 — 23 for Zen 2, 25 for Zen 3 and Zen 4, 26 for Zen 5), or 0 off x86.</summary>
    internal static int Family()
    {
        if (!X86Base.IsSupported) return 0;
        int eax = X86Base.CpuId(1, 0).Eax;
        int baseFamily = (eax >> 8) & 0xF;
        return baseFamily == 0xF ? baseFamily + ((eax >> 20) & 0xFF) : baseFamily;
    }

    /// <summary>The processor's vendor string from CPUID leaf 0 ("GenuineIntel", "AuthenticAMD"), or "" off x86.</summary>
    internal static string Vendor()
    {
        if (!X86Base.IsSupported) return "";
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<byte> bytes = stackalloc byte[12];
        BitConverter.TryWriteBytes(bytes[0..4], ebx);
        BitConverter.TryWriteBytes(bytes[4..8], edx);
        BitConverter.TryWriteBytes(bytes[8..12], ecx);
        return System.Text.Encoding.ASCII.GetString(bytes);
    }

    /// <summary>Called once, after libtorch has loaded and before any tensor work. Never throws: a failure leaves MKL as
    /// it was and is recorded in <see cref="State"/>.</summary>
    public static void ApplyIfWanted()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            State = "not Linux x64";
            return;
        }
        if (WhyNotWantedHere() is { } reason)
        {
            State = reason;
            return;
        }
        try
        {
            State = Patch();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            State = $"not applied: {e.Message}";
        }
    }

    private static unsafe string Patch()
    {
        // RTLD_NOLOAD: only the libtorch already in the process (loaded by TorchSharp or by the native loader).
        IntPtr handle = dlopen(Library, RtldLazy | RtldNoLoad);
        if (handle == IntPtr.Zero) return $"not applied: {Library} is not loaded";
        try
        {
            IntPtr function = dlsym(handle, Symbol);
            if (function == IntPtr.Zero) return $"not applied: {Library} has no {Symbol} (another libtorch build)";
            long pageSize = Environment.SystemPageSize;
            long start = function.ToInt64() & ~(pageSize - 1);
            long length = function.ToInt64() + ReturnOne.Length - start;
            // Writable and executable together for the few instructions below, so no other thread can fault on the page.
            if (mprotect((IntPtr)start, (UIntPtr)(ulong)length, ProtRead | ProtWrite | ProtExec) != 0)
                return $"not applied: the code page could not be made writable (errno {Marshal.GetLastPInvokeError()})";
            ReturnOne.CopyTo(new Span<byte>((void*)function, ReturnOne.Length));
            mprotect((IntPtr)start, (UIntPtr)(ulong)length, ProtRead | ProtExec);
            return ((delegate* unmanaged<int>)function)() == 1 ? "applied" : "not applied: the patched function does not answer 1";
        }
        finally
        {
            dlclose(handle);
        }
    }

    private const int RtldLazy = 0x1, RtldNoLoad = 0x4;
    private const int ProtRead = 0x1, ProtWrite = 0x2, ProtExec = 0x4;

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern IntPtr dlopen(string file, int mode);

    [DllImport("libc", EntryPoint = "dlsym")]
    private static extern IntPtr dlsym(IntPtr handle, string symbol);

    [DllImport("libc", EntryPoint = "dlclose")]
    private static extern int dlclose(IntPtr handle);

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static extern int mprotect(IntPtr address, UIntPtr length, int protection);
}
