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
}
