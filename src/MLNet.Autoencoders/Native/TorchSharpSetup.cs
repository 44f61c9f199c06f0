using MLNet.Autoencoders.Native;

namespace MLNet.Autoencoders;

/// <summary>
/// Loads TorchSharp's native backend with this library's run-time fix (see README, "TorchSharp on Debian 12"). The
/// library calls it itself before it trains; call it first only when your own code uses TorchSharp before any member
/// of this library, in an app or script that was not built with the package's build step (a ProjectReference from
/// outside this repository, <c>dotnet fsi</c>, a notebook).
/// </summary>
public static class TorchSharpSetup
{
    /// <summary>Loads TorchSharp's native backend, applying the fix where the system needs it.</summary>
    /// <exception cref="InvalidOperationException">The backend does not load; the message names the file and the fix.</exception>
    public static void EnsureLoaded() => TorchSharpNativeLoader.EnsureInitialized();

    /// <summary>
    /// What loading did to libtorch's oneMKL in this process: <c>"applied"</c> when MKL was made to run its optimised
    /// kernels on an AMD processor where they measured faster (Zen 3 and later — family 25 and up — or any AMD processor
    /// with AVX-512; MKL otherwise runs a generic path there), else why not (an Intel processor, an older AMD family without
    /// AVX-512, the opt-out variable <c>MLNET_AUTOENCODERS_MKL_INTEL_PATH_ON_AMD=0</c>, another libtorch build), or
    /// <c>"not checked"</c> before the first load. The change is process-wide and in memory only (README: "Speed on AMD
    /// processors").
    /// </summary>
    public static string MklCodePathState => MklCodePath.State;
}
