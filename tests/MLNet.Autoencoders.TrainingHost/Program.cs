// One training run in its own process, for the tests that kill a Fit (SIGKILL) and resume it from its checkpoint.
// "TrainingHost mkl" instead prints what loading did to libtorch's MKL (TorchSharpSetup.MklCodePathState) and what MKL's
// mkl_serv_intel_cpu_true answers, for the test of the MLNET_AUTOENCODERS_MKL_INTEL_PATH_ON_AMD opt-out.
// "TrainingHost glibc" prints whether glibc maps a large malloc block on its own before, during (from the epoch callback)
// and after a Fit: the test of keeping freed memory while training, in a fresh process so that no earlier allocation of
// the test run decides where the block comes from.
// Usage: TrainingHost <kind> <epochs> <model.zip> [--checkpoint PATH] [--resume PATH] [--wait-after "epoch <stage> <n>"]
//   kind: mlp (validation and early stopping on), greedy (stacked: greedy pretraining first), vae, stream (streamed rows)
// Prints "epoch <stage> <n>" after every epoch (flushed), then "done" once the model is saved. With --wait-after it stops
// after printing that line and waits to be killed, so a test kills it after exactly that epoch, however fast training is.
using Microsoft.ML;
using MLNet.Autoencoders;

string kind = args[0];
if (kind == "mkl") return MklReport();
if (kind == "glibc") return GlibcReport();
int epochs = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
string modelPath = args[2];
string? checkpoint = Option("--checkpoint"), resume = Option("--resume"), waitAfter = Option("--wait-after");
string? Option(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromEnumerable(Rows(600), SchemaDefinitionFor(20));
void Report(EpochReport r)
{
    string line = $"epoch {r.Stage} {r.Epoch}";
    Console.WriteLine(line);
    Console.Out.Flush();
    if (line == waitAfter) Thread.Sleep(Timeout.Infinite);
}

ITransformer model;
if (kind == "vae")
{
    model = ml.Transforms.Vae(new VaeOptions
    {
        InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 3, HiddenLayerSizes = [16], Epochs = epochs, BatchSize = 32,
        LearningRate = 1e-2, KlWarmupEpochs = 2, ValidationFraction = 0.2, Seed = 3, NumberOfThreads = 1,
        CheckpointPath = checkpoint, ResumeFromCheckpoint = resume, EpochCallback = Report,
    }).Fit(data);
}
else
{
    var options = new DenoisingAutoencoderOptions
    {
        InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 3, HiddenLayerSizes = [16, 8], Epochs = epochs, BatchSize = 32,
        LearningRate = 1e-2, Seed = 3, NumberOfThreads = 1, CheckpointPath = checkpoint, ResumeFromCheckpoint = resume, EpochCallback = Report,
        Corruption = CorruptionKind.Masking, CorruptionFraction = 0.2,
    };
    if (kind == "mlp") { options.ValidationFraction = 0.2; options.EarlyStoppingPatience = 3; }
    if (kind == "greedy") { options.Pretraining = Pretraining.GreedyLayerWise; options.PretrainingEpochsPerLayer = 3; }
    if (kind == "stream") { options.StreamTrainingData = true; options.ShuffleBufferRows = 64; }
    model = ml.Transforms.DenoisingAutoencoder(options).Fit(data);
}
ml.Model.Save(model, data.Schema, modelPath);
Console.WriteLine("done");
return 0;

static unsafe int MklReport()
{
    TorchSharpSetup.EnsureLoaded();
    Console.WriteLine($"state {TorchSharpSetup.MklCodePathState}");
    var library = System.Runtime.InteropServices.NativeLibrary.Load(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libtorch_cpu.so"));
    var function = System.Runtime.InteropServices.NativeLibrary.GetExport(library, "mkl_serv_intel_cpu_true");
    Console.WriteLine($"answer {((delegate* unmanaged<int>)function)()}");
    return 0;
}

static int GlibcReport()
{
    // 48 MB is above glibc's largest dynamic mmap threshold (32 MB), so mapped on its own by default; during training a
    // smaller block, so that the free chunk it leaves in the heap cannot serve the block asked for afterwards.
    Console.WriteLine($"before {LargeBlockIsMapped(48 << 20)}");
    var ml = new MLContext(seed: 1);
    var data = ml.Data.LoadFromEnumerable(Rows(200), SchemaDefinitionFor(20));
    ml.Transforms.Autoencoder(new AutoencoderOptions
    {
        InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 3, HiddenLayerSizes = [16], Epochs = 2, Seed = 3,
        EpochCallback = r => Console.WriteLine($"during {LargeBlockIsMapped(40 << 20)}"),
    }).Fit(data).Dispose();
    Console.WriteLine($"after {LargeBlockIsMapped(48 << 20)}");
    return 0;
}

// Allocates a block with malloc and says whether glibc mapped it on its own: a mapped chunk starts 16 bytes (its header)
// into a mapping of its own in /proc/self/maps.
static bool LargeBlockIsMapped(int bytes)
{
    IntPtr block = System.Runtime.InteropServices.Marshal.AllocHGlobal(bytes); // malloc on Linux
    try
    {
        ulong chunk = (ulong)block - 16;
        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            string[] range = line[..line.IndexOf(' ')].Split('-');
            ulong start = Convert.ToUInt64(range[0], 16), end = Convert.ToUInt64(range[1], 16);
            if (start == chunk) return end - start >= (ulong)bytes;
        }
        return false;
    }
    finally
    {
        System.Runtime.InteropServices.Marshal.FreeHGlobal(block);
    }
}

// Rows that depend only on their index: every process sees the same data.
static IEnumerable<Row> Rows(int count) => Enumerable.Range(0, count).Select(i => new Row
{
    Features = Enumerable.Range(0, 20).Select(j => (float)(0.5 + 0.5 * Math.Sin(i * 0.37 + j * (1 + i % 3) * 0.21))).ToArray(),
});

static Microsoft.ML.Data.SchemaDefinition SchemaDefinitionFor(int size)
{
    var definition = Microsoft.ML.Data.SchemaDefinition.Create(typeof(Row));
    definition[0].ColumnType = new Microsoft.ML.Data.VectorDataViewType(Microsoft.ML.Data.NumberDataViewType.Single, size);
    return definition;
}

internal sealed class Row
{
    public float[] Features { get; set; } = [];
}
