using MLNet.Autoencoders.Native;
using TorchSharp;
using Xunit;

namespace MLNet.Autoencoders.Tests;

/// <summary>
/// TorchSharp's native library loads and trains on this machine. On Debian 12 / Ubuntu 22.04 this needs the GLIBCXX_3.4.32
/// fix-up: at build time (build/MLNet.Autoencoders.targets) for this project, at run time (Native/TorchSharpNativeLoader)
/// for apps and scripts that never ran it; tests/consumers/run checks the latter from outside the repository.
/// </summary>
public class TorchSmokeTests
{
    [Fact]
    public void TorchSharp_loads_and_a_few_Adam_steps_fit_a_line()
    {
        using var generator = new torch.Generator(1);
        using var x = torch.rand(64, 1, generator: generator);
        using var y = 3 * x + 1;
        using var layer = torch.nn.Linear(1, 1);
        using var optimizer = torch.optim.Adam(layer.parameters(), 0.1);
        float first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            using var scope = torch.NewDisposeScope();
            var loss = torch.nn.functional.mse_loss(layer.forward(x), y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first / 100, $"loss {first} -> {last}");
    }

    [Fact]
    public void TorchSharpSetup_loads_the_backend_and_can_be_called_again()
    {
        TorchSharpSetup.EnsureLoaded();
        TorchSharpSetup.EnsureLoaded();
        using var ones = torch.ones(3);
        Assert.Equal(3f, ones.sum().item<float>());
    }

    [Fact]
    public void The_native_library_in_the_output_folder_has_a_weak_GLIBCXX_3_4_32_need()
    {
        if (!OperatingSystem.IsLinux()) return;
        var path = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", TorchSharpNativeLoader.LibraryFile);
        Assert.True(File.Exists(path), path);
        var state = ElfVersionNeed.Find(File.ReadAllBytes(path), TorchSharpNativeLoader.MissingVersion);
        Assert.True(state != VersionNeedState.Absent, "TorchSharp no longer needs GLIBCXX_3.4.32; the fix-ups may be retired.");
        Assert.Equal(VersionNeedState.Weak, state);
    }

    [Fact]
    public void The_packaged_native_library_has_a_strong_need_that_weakening_turns_weak_and_nothing_else()
    {
        var packaged = Path.Combine(NuGetPackages(), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", TorchSharpNativeLoader.LibraryFile);
        if (!File.Exists(packaged)) return;
        var bytes = File.ReadAllBytes(packaged);
        Assert.Equal(VersionNeedState.Strong, ElfVersionNeed.Find(bytes, TorchSharpNativeLoader.MissingVersion));
        var patched = (byte[])bytes.Clone();
        Assert.Equal(1, ElfVersionNeed.Weaken(patched, TorchSharpNativeLoader.MissingVersion));
        Assert.Equal(VersionNeedState.Weak, ElfVersionNeed.Find(patched, TorchSharpNativeLoader.MissingVersion));
        Assert.Equal(0, ElfVersionNeed.Weaken(patched, TorchSharpNativeLoader.MissingVersion));
        // One flag bit of one 16-bit field changed, nothing else; the build-time task gives the same bytes.
        var differing = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] != patched[i]).ToArray();
        Assert.Single(differing);
        Assert.Equal(0x2, bytes[differing[0]] ^ patched[differing[0]]);
        var built = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", TorchSharpNativeLoader.LibraryFile);
        if (File.Exists(built)) Assert.Equal(patched, File.ReadAllBytes(built));
        // Versions the library does not need are absent, and weakening them changes nothing.
        Assert.Equal(VersionNeedState.Absent, ElfVersionNeed.Find(bytes, "GLIBCXX_9.9.9"));
        Assert.Equal(0, ElfVersionNeed.Weaken(patched, "GLIBCXX_9.9.9"));
    }

    [Fact]
    public void Damaged_or_foreign_files_read_as_having_no_need_and_never_throw()
    {
        var packaged = Path.Combine(NuGetPackages(), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", TorchSharpNativeLoader.LibraryFile);
        var random = new Random(5);
        var samples = new List<byte[]> { Array.Empty<byte>(), new byte[10], "not an ELF file at all, just text"u8.ToArray() };
        if (File.Exists(packaged))
        {
            var bytes = File.ReadAllBytes(packaged);
            samples.Add(bytes[..100]);
            samples.Add(bytes[..(bytes.Length / 2)]);
            for (int i = 0; i < 50; i++)
            {
                var damaged = (byte[])bytes.Clone();
                // Damage the headers, where offsets live: every read must stay in bounds.
                for (int k = 0; k < 4; k++) damaged[random.Next(0x40)] = (byte)random.Next(256);
                samples.Add(damaged);
            }
        }
        foreach (var sample in samples)
        {
            var state = ElfVersionNeed.Find(sample, TorchSharpNativeLoader.MissingVersion);
            Assert.True(Enum.IsDefined(state));
            ElfVersionNeed.Weaken((byte[])sample.Clone(), TorchSharpNativeLoader.MissingVersion);
        }
        Assert.Equal(VersionNeedState.Absent, ElfVersionNeed.Find(samples[2], TorchSharpNativeLoader.MissingVersion));
    }

    private static string NuGetPackages() => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
        ? folder
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
