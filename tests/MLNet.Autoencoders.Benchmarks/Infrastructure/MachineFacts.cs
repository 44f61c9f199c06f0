using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace MLNet.Autoencoders.Benchmarks.Infrastructure;

/// <summary>What the numbers were measured on: CPU, cores, memory, runtime and library versions.</summary>
internal static class MachineFacts
{
    public static JsonObject Describe()
    {
        TorchSharpSetup.EnsureLoaded(); // before reading what loading did to MKL
        return new()
        {
        ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm"),
        ["cpu"] = CpuInfo("model name"),
        ["cpu_family"] = int.TryParse(CpuInfo("cpu family"), out int family) ? family : null,
        ["cpu_model"] = int.TryParse(CpuInfo("model\t"), out int model) ? model : null,
        ["avx512"] = System.Runtime.Intrinsics.X86.Avx512F.IsSupported,
        ["mkl_code_path"] = TorchSharpSetup.MklCodePathState,
        ["cores"] = Environment.ProcessorCount,
        ["memory_gb"] = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1e9,
        ["os"] = RuntimeInformation.OSDescription,
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["torch_threads"] = TorchSharp.torch.get_num_threads(),
        ["MLNet.Autoencoders"] = Version(typeof(AutoencoderEstimator).Assembly),
        ["Microsoft.ML"] = Version(typeof(Microsoft.ML.MLContext).Assembly),
        ["TorchSharp"] = Version(typeof(TorchSharp.torch).Assembly),
        ["Microsoft.ML.OnnxRuntime"] = Version(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly),
        };
    }

    private static string? CpuInfo(string key) =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?.Split(':', 2)[1].Trim();

    private static string Version(Assembly assembly) =>
        (assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "?")
        .Split('+')[0];
}
