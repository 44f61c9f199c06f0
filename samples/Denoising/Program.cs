// Denoising: train a denoising autoencoder on Fashion-MNIST, then clean noisy held-out images.
// Prints PSNR (noisy vs clean, and denoised vs clean, beside a plain autoencoder of the same size) and writes
// denoising.png: one column per class, rows clean / noisy / plain autoencoder / denoising autoencoder.
//
//   dotnet run --project samples/Denoising
//   options: --data DIR (full 60k/10k set)  --corruption gaussian|masking|saltandpepper  --epochs N (default 40)
//            --batch-size N (default 64)  --rows N  --output DIR (default samples/Denoising/output)
using Microsoft.ML;
using MLNet.Autoencoders;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Samples;

var arguments = new SampleArguments(args, "Denoising");
var corruption = Enum.Parse<CorruptionKind>(arguments.Get("--corruption") ?? "gaussian", ignoreCase: true);
var mlContext = new MLContext(seed: 1);
var (trainArrays, testArrays) = SampleData.Load(arguments);
Console.WriteLine(SampleData.Describe(arguments, trainArrays, testArrays) + $" Corruption: {corruption}.");

// The same corruption as training, applied once (seeded) to the held-out images.
var noisyTest = Corrupt(testArrays, corruption, new Random(1234));

void Configure(AutoencoderOptions o)
{
    o.OutputColumnName = "Latent";
    o.InputColumnName = "Features";
    o.ReconstructionColumnName = "Denoised";
    o.Epochs = arguments.Epochs;
    o.BatchSize = arguments.BatchSize;
}
var denoisingOptions = new DenoisingAutoencoderOptions
{
    Corruption = corruption,
    NoiseStandardDeviation = 0.3,
    CorruptionFraction = 0.3,
    ClipMinimum = 0,
    ClipMaximum = 1,
    EpochCallback = Progress.For("denoising"),
};
Configure(denoisingOptions);
var plainOptions = new AutoencoderOptions { EpochCallback = Progress.For("plain") };
Configure(plainOptions);

var train = FashionMnist.ToDataView(mlContext, trainArrays);
using var denoising = mlContext.Transforms.DenoisingAutoencoder(denoisingOptions).Fit(train);
using var plain = mlContext.Transforms.Autoencoder(plainOptions).Fit(train);

var noisyView = FashionMnist.ToDataView(mlContext, noisyTest);
var denoised = ColumnReader.ReadVectors(denoising.Transform(noisyView), "Denoised");
var plainRebuilt = ColumnReader.ReadVectors(plain.Transform(noisyView), "Denoised");

Console.WriteLine();
Console.WriteLine("| images | PSNR vs clean (dB) |");
Console.WriteLine("|---|---|");
Console.WriteLine($"| noisy input | {Psnr(Rows(noisyTest), testArrays):F2} |");
Console.WriteLine($"| plain autoencoder on noisy input | {Psnr(plainRebuilt, testArrays):F2} |");
Console.WriteLine($"| denoising autoencoder on noisy input | {Psnr(denoised, testArrays):F2} |");
Console.WriteLine("(PyTorch, same MLP on the full 60k set, 20 epochs: Gaussian 0.3 12.78 -> 18.88 dB; masking 30% 12.09 -> 19.24 dB.)");

// One example of each class.
var examples = Enumerable.Range(0, 10).Select(c => Array.IndexOf(testArrays.Labels, (byte)c)).Where(i => i >= 0).ToArray();
string png = Path.Combine(arguments.OutputDirectory, "denoising.png");
ImageGrid.Save(png,
[
    examples.Select(i => testArrays.GetFeatures(i).ToArray()).ToArray(),
    examples.Select(i => noisyTest.GetFeatures(i).ToArray()).ToArray(),
    examples.Select(i => plainRebuilt[i]).ToArray(),
    examples.Select(i => denoised[i]).ToArray(),
], FashionMnist.ImageSide);
Console.WriteLine($"Wrote {png} (rows: clean, noisy, plain autoencoder, denoising autoencoder; one column per class).");
return 0;

static float[][] Rows(FashionMnistData data) => Enumerable.Range(0, data.Count).Select(i => data.GetFeatures(i).ToArray()).ToArray();

static FashionMnistData Corrupt(FashionMnistData data, CorruptionKind kind, Random random)
{
    var values = (float[])data.Features.Clone();
    for (int i = 0; i < values.Length; i++)
    {
        values[i] = kind switch
        {
            CorruptionKind.Gaussian => Math.Clamp(values[i] + 0.3f * (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())), 0, 1),
            CorruptionKind.Masking => random.NextDouble() < 0.3 ? 0 : values[i],
            _ => random.NextDouble() is var u && u < 0.15 ? 0 : u < 0.3 ? 1 : values[i],
        };
    }
    return new FashionMnistData(values, data.Labels);
}

static double Psnr(float[][] images, FashionMnistData clean)
{
    double sum = 0;
    for (int i = 0; i < images.Length; i++)
    {
        var reference = clean.GetFeatures(i);
        for (int j = 0; j < reference.Length; j++) sum += (images[i][j] - reference[j]) * (double)(images[i][j] - reference[j]);
    }
    return 10 * Math.Log10(1 / (sum / clean.Features.Length));
}
