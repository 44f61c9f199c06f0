using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Security.Cryptography;
using MLNet.Autoencoders.Persistence;
using TorchSharp;

namespace MLNet.Autoencoders.Native;

/// <summary>
/// Makes TorchSharp's native library load on Linux systems whose libstdc++ is older than the one it was built with,
/// however this library arrived (package, ProjectReference from any folder, <c>dotnet fsi</c> script, notebook, publish).
/// <para>TorchSharp 0.107's <c>libLibTorchSharp.so</c> (built with GCC 13) declares a need for <c>GLIBCXX_3.4.32</c>,
/// which GCC 12's libstdc++ (Debian 12, Ubuntu 22.04) lacks, so the loader refuses it. The only symbol with that version
/// is a marker that is never called. When TorchSharp's own load fails, the runtime raises
/// <see cref="AssemblyLoadContext.ResolvingUnmanagedDll"/>; this class then writes a copy of the library whose need is
/// marked weak (<c>VER_FLG_WEAK</c>) into a per-user cache folder, loads libtorch from where TorchSharp's packages put
/// it, and hands TorchSharp the copy. The package's own files (the NuGet cache, the app folder) are never changed.
/// Where the library already loads (a build that ran <c>build/MLNet.Autoencoders.targets</c>, or a newer libstdc++),
/// the event is never raised and nothing happens.</para>
/// </summary>
internal static class TorchSharpNativeLoader
{
    /// <summary>The symbol version that the native library needs and older libstdc++ lacks.</summary>
    public const string MissingVersion = "GLIBCXX_3.4.32";

    /// <summary>The native library's file name on Linux.</summary>
    public const string LibraryFile = "libLibTorchSharp.so";

    /// <summary>Overrides the folder for the patched copy (else $XDG_CACHE_HOME or ~/.cache, then the temp folder).</summary>
    public const string CacheFolderVariable = "MLNET_AUTOENCODERS_NATIVE_CACHE";

    private const string LibtorchPackage = "libtorch-cpu-linux-x64";
    private static readonly string NativeSubfolder = Path.Combine("runtimes", "linux-x64", "native");
    private static readonly object Gate = new();
    private static IntPtr patchedHandle;
    private static string? failure;
    private static volatile bool initialized;

    /// <summary>Only Linux x64 packages carry the library this fixes.</summary>
    private static bool Applies => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>Registers the handler when this assembly is first used; cheap (no native load, no file access).</summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "The handler must be in place before TorchSharp's first native load, whichever of this library's types is used first.")]
    internal static void Register()
    {
        if (!Applies) return;
        var context = AssemblyLoadContext.GetLoadContext(typeof(TorchSharpNativeLoader).Assembly) ?? AssemblyLoadContext.Default;
        context.ResolvingUnmanagedDll += Resolve;
    }

    /// <summary>
    /// Loads TorchSharp's native backend, or fails with an error that names the file and the fix. Every code path that
    /// touches TorchSharp calls this first, so a failure is reported here rather than as TorchSharp's generic message.
    /// </summary>
    public static void EnsureInitialized()
    {
        if (initialized) return;
        PreloadPackageLayout();
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            // Before any tensor work, so MKL's first dispatch already sees the change.
            MklCodePath.ApplyIfWanted();
            initialized = true;
        }
        catch (Exception e) when (e is NotSupportedException or TypeInitializationException or DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            throw new InvalidOperationException(failure is null
                ? $"TorchSharp's native library did not load: {e.Message}"
                : $"TorchSharp's native library did not load: {failure}", e);
        }
    }

    /// <summary>
    /// Where TorchSharp runs from the NuGet cache (scripts, notebooks: no libtorch in any app folder), TorchSharp's first
    /// step loads <c>torch_cpu</c> by bare name, and the system's search finds any other libtorch installed there (Debian's
    /// <c>libtorch1.13</c>, which <c>python3-torch</c> brings) — after which no TorchSharp call works. Loading the package's
    /// own libtorch by full path first makes that bare-name load return it (the dynamic loader matches the name against the
    /// libraries already loaded), and TorchSharp then skips copying 1 GB of libraries into its <c>cpu/</c> folder.
    /// </summary>
    private static void PreloadPackageLayout()
    {
        if (!Applies) return;
        var torchSharp = typeof(torch).Assembly;
        if (AppFolders(FolderOf(torchSharp)).Any(f => File.Exists(Path.Combine(f, "libtorch_cpu.so")))) return;
        LoadOnce(torchSharp);
    }

    private static IntPtr Resolve(Assembly assembly, string name) =>
        assembly.GetName().Name == "TorchSharp" && name is "LibTorchSharp" or "libLibTorchSharp" or LibraryFile
            ? LoadOnce(assembly)
            : IntPtr.Zero;

    /// <summary>The first call loads from the packages; every later call returns its handle (or zero after a failure).</summary>
    private static IntPtr LoadOnce(Assembly torchSharp)
    {
        lock (Gate)
        {
            if (patchedHandle != IntPtr.Zero || failure is not null) return patchedHandle;
            try
            {
                patchedHandle = LoadFromPackages(torchSharp);
            }
            catch (Exception e)
            {
                // Whatever went wrong, the runtime must get IntPtr.Zero (TorchSharp then reports the failed load) and the
                // reason must reach EnsureInitialized's error.
                failure = e.Message;
            }
            return patchedHandle;
        }
    }

    /// <summary>Loads libtorch by full path, then TorchSharp's native library as it is where it loads, else a copy
    /// whose <see cref="MissingVersion"/> need is weak.</summary>
    private static IntPtr LoadFromPackages(Assembly torchSharp)
    {
        string torchSharpFolder = FolderOf(torchSharp);
        string original = CandidateFolders(torchSharpFolder).Select(f => Path.Combine(f, LibraryFile)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"{LibraryFile} was found neither beside TorchSharp.dll ({torchSharpFolder}) nor in the app's native folders. " +
                "Reference the TorchSharp-cpu package, which brings it.");
        string libtorch = LibtorchFolders(Path.GetDirectoryName(original)!, torchSharpFolder).Select(f => Path.Combine(f, "libtorch.so")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"{original} needs libtorch.so, which was found neither beside it nor in a {LibtorchPackage} package folder. " +
                "Reference the TorchSharp-cpu package, which brings it.");
        // The copy lives elsewhere, so its $ORIGIN run path no longer finds libtorch: load libtorch first, and the copy's
        // needs are met by the libraries already loaded. Each by full path, dependencies first: a library's needs are
        // searched on LD_LIBRARY_PATH before its own run path, so a libtorch found there must not stand in for ours.
        foreach (var library in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
        {
            string path = Path.Combine(Path.GetDirectoryName(libtorch)!, library);
            if (File.Exists(path)) NativeLibrary.Load(path);
        }
        string loadError;
        try
        {
            return NativeLibrary.Load(original);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            loadError = e.Message;
        }

        byte[] bytes = File.ReadAllBytes(original);
        if (ElfVersionNeed.Find(bytes, MissingVersion) != VersionNeedState.Strong)
            throw new InvalidOperationException($"{original} does not load: {loadError}");
        ElfVersionNeed.Weaken(bytes, MissingVersion);
        string copy = WriteCopy(bytes, original);
        return NativeLibrary.Load(copy);
    }

    /// <summary>Where TorchSharp.dll was loaded from (the app folder for a single-file app, whose assemblies have no location).</summary>
    private static string FolderOf(Assembly assembly)
    {
#pragma warning disable IL3000 // Location is empty in a single-file app: handled by falling back to the app folder.
        string location = assembly.Location;
#pragma warning restore IL3000
        return string.IsNullOrEmpty(location) ? AppContext.BaseDirectory : Path.GetDirectoryName(location)!;
    }

    /// <summary>The folders where the app, a publish folder or a NuGet package keeps TorchSharp's native library.</summary>
    private static IEnumerable<string> CandidateFolders(string torchSharpFolder)
    {
        foreach (var folder in AppFolders(torchSharpFolder))
            yield return folder;
        // The package layout (scripts and notebooks load TorchSharp.dll from the NuGet cache): torchsharp/<version>/lib/<tfm>/.
        yield return Path.GetFullPath(Path.Combine(torchSharpFolder, "..", "..", NativeSubfolder));
    }

    /// <summary>The folders where an app or a publish folder keeps native libraries.</summary>
    private static IEnumerable<string> AppFolders(string torchSharpFolder)
    {
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirectories)
            foreach (var folder in searchDirectories.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                yield return folder;
        foreach (var folder in new[] { torchSharpFolder, AppContext.BaseDirectory })
        {
            yield return folder;
            yield return Path.Combine(folder, NativeSubfolder);
        }
    }

    /// <summary>The folders that may hold libtorch.so: beside the native library, the app's folders, then the newest
    /// restored libtorch-cpu-linux-x64 package.</summary>
    private static IEnumerable<string> LibtorchFolders(string originalFolder, string torchSharpFolder)
    {
        yield return originalFolder;
        foreach (var folder in CandidateFolders(torchSharpFolder))
            yield return folder;
        var packageRoots = new List<string> { Path.GetFullPath(Path.Combine(torchSharpFolder, "..", "..", "..", "..")) };
        if (Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } nugetPackages) packageRoots.Add(nugetPackages);
        packageRoots.Add(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"));
        foreach (var root in packageRoots)
        {
            var package = Path.Combine(root, LibtorchPackage);
            if (!Directory.Exists(package)) continue;
            var versions = Directory.GetDirectories(package)
                .Select(d => (Folder: d, Version: Version.TryParse(Path.GetFileName(d), out var v) ? v : null))
                .Where(p => p.Version is not null)
                .OrderByDescending(p => p.Version);
            foreach (var (folder, _) in versions)
                yield return Path.Combine(folder, NativeSubfolder);
        }
    }

    /// <summary>Writes the patched bytes under a name made from their hash (reused by later processes; a copy that does not
    /// match its hash is rewritten), atomically: a temporary file, then a rename.</summary>
    private static string WriteCopy(byte[] patched, string original)
    {
        byte[] digest = SHA256.HashData(patched);
        string hash = Convert.ToHexString(digest)[..16].ToLowerInvariant();
        var errors = new List<string>();
        foreach (var root in CacheRoots())
        {
            string folder = Path.Combine(root, "native", hash);
            string path = Path.Combine(folder, LibraryFile);
            try
            {
                if (File.Exists(path) && SHA256.HashData(File.ReadAllBytes(path)).AsSpan().SequenceEqual(digest))
                    return path;
                if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
                else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                AtomicFile.Write(path, stream => stream.Write(patched));
                return path;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{folder}: {e.Message}");
            }
        }
        throw new InvalidOperationException(
            $"{original} needs {MissingVersion}, which this system's libstdc++ lacks, and no patched copy could be written " +
            $"({string.Join("; ", errors)}). Set {CacheFolderVariable} to a writable folder, or build the app with MSBuild " +
            "referencing the MLNet.Autoencoders package, whose build step patches the app's own copy (README: 'TorchSharp on Debian 12').");
    }

    private static IEnumerable<string> CacheRoots()
    {
        if (Environment.GetEnvironmentVariable(CacheFolderVariable) is { Length: > 0 } chosen)
        {
            yield return chosen;
            yield break;
        }
        string? cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? Path.Combine(home, ".cache") : null;
        if (cache is not null) yield return Path.Combine(cache, "mlnet-autoencoders");
        yield return Path.Combine(Path.GetTempPath(), $"mlnet-autoencoders-{Environment.UserName}");
    }
}
