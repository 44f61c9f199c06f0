using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using MLNet.Autoencoders.Native;
using MLNet.Autoencoders.Tests.Support;
using TorchSharp;
using Xunit;

namespace MLNet.Autoencoders.Tests.Reliability;

/// <summary>
/// Native/MklCodePath: on an AMD processor of family 25 or later (Zen 3 on) or with AVX-512, loading makes libtorch's MKL
/// take its Intel code paths (about 2× the GEMM speed with AVX-512, 10–30 % at some shapes on Zen 3); elsewhere, or with
/// MLNET_AUTOENCODERS_MKL_INTEL_PATH_ON_AMD=0, MKL keeps its own choice. Whatever the path, products must be right.
/// </summary>
public class MklCodePathTests
{
    [Theory]
    [InlineData("AuthenticAMD", 26, true, null, true)]
    [InlineData("AuthenticAMD", 25, true, "1", true)]
    [InlineData("AuthenticAMD", 25, true, "0", false)]
    [InlineData("AuthenticAMD", 26, true, " FALSE ", false)]
    [InlineData("AuthenticAMD", 25, false, null, true)]
    [InlineData("AuthenticAMD", 25, false, "0", false)]
    [InlineData("AuthenticAMD", 26, false, null, true)]
    [InlineData("AuthenticAMD", 23, false, null, false)]
    [InlineData("AuthenticAMD", 23, true, null, true)]
    [InlineData("GenuineIntel", 6, true, null, false)]
    [InlineData("GenuineIntel", 6, false, null, false)]
    [InlineData("", 0, false, null, false)]
    public void The_change_is_wanted_only_on_AMD_from_Zen_3_or_with_AVX512_and_no_opt_out(string vendor, int family, bool avx512, string? optOut, bool wanted) =>
        Assert.Equal(wanted, MklCodePath.Wanted(vendor, family, avx512, optOut));

    [Fact]
    public void The_family_is_the_one_proc_cpuinfo_gives()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        string line = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("cpu family", StringComparison.Ordinal));
        Assert.Equal(int.Parse(line[(line.IndexOf(':') + 1)..].Trim()), MklCodePath.Family());
    }

    [Fact]
    public void Loading_makes_the_change_exactly_where_it_is_wanted_and_MKL_then_answers_Intel()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        TorchSharpSetup.EnsureLoaded();
        string vendor = MklCodePath.Vendor();
        bool wanted = MklCodePath.WantedHere();
        Assert.True(wanted == MklCodePath.Applied, $"{vendor}, family {MklCodePath.Family()}, AVX-512 {Avx512F.IsSupported}: {TorchSharpSetup.MklCodePathState}");
        Assert.Equal(wanted ? "applied" : TorchSharpSetup.MklCodePathState, TorchSharpSetup.MklCodePathState);
        Assert.StartsWith(wanted ? "applied" : "left alone", TorchSharpSetup.MklCodePathState);
        if (wanted || vendor == "GenuineIntel") Assert.Equal(1, MklAnswer());
    }

    [Fact]
    public void Matrix_products_at_training_shapes_agree_with_double_precision()
    {
        TorchSharpSetup.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(7);
        foreach (var (n, k, m) in new[] { (256, 784, 512), (256, 512, 784), (1, 784, 512), (37, 10, 2000), (512, 256, 256), (256, 500, 2000), (256, 2000, 10) })
        {
            var a = torch.randn(n, k, generator: generator);
            var b = torch.randn(m, k, generator: generator);
            var product = a.mm(b.t());                                   // as a Linear layer's forward runs it
            var gradient = a.t().mm(torch.randn(n, m, generator: generator)); // as its weight gradient runs it
            var exact = a.to_type(torch.ScalarType.Float64).mm(b.to_type(torch.ScalarType.Float64).t());
            double error = (product.to_type(torch.ScalarType.Float64) - exact).abs().max().item<double>();
            double scale = exact.abs().max().item<double>();
            Assert.True(error <= 1e-5 * scale, $"{n}x{k}·{k}x{m}: max error {error} against max {scale} ({TorchSharpSetup.MklCodePathState})");
            Assert.Equal(new long[] { k, m }, gradient.shape);
            Assert.True(gradient.isfinite().all().item<bool>());
        }
    }

    [Fact]
    public async Task The_opt_out_variable_keeps_MKLs_own_choice_in_a_new_process()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        var (state, answer) = await RunHost(optOut: "0");
        var (defaultState, defaultAnswer) = await RunHost(optOut: null);
        string vendor = MklCodePath.Vendor();
        if (MklCodePath.Wanted(vendor, MklCodePath.Family(), Avx512F.IsSupported, optOut: null))
        {
            Assert.Equal($"left alone ({MklCodePath.OptOutVariable}=0)", state);
            Assert.Equal(0, answer);       // MKL's own answer on AMD
            Assert.Equal("applied", defaultState);
            Assert.Equal(1, defaultAnswer);
        }
        else
        {
            Assert.StartsWith("left alone", state);
            Assert.Equal(defaultAnswer, answer);
            Assert.Equal(vendor == "GenuineIntel" ? 1 : 0, answer);
        }
    }

    private static unsafe int MklAnswer()
    {
        var library = NativeLibrary.Load(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libtorch_cpu.so"));
        return ((delegate* unmanaged<int>)NativeLibrary.GetExport(library, "mkl_serv_intel_cpu_true"))();
    }

    private static async Task<(string State, int Answer)> RunHost(string? optOut)
    {
        var lines = await TrainingHostProcess.Report("mkl", new Dictionary<string, string?> { [MklCodePath.OptOutVariable] = optOut });
        string state = lines.Single(l => l.StartsWith("state ", StringComparison.Ordinal))["state ".Length..];
        int answer = int.Parse(lines.Single(l => l.StartsWith("answer ", StringComparison.Ordinal))["answer ".Length..]);
        return (state, answer);
    }
}
