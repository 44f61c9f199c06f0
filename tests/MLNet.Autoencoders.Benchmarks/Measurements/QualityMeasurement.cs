using System.Text.Json.Nodes;
using Microsoft.ML;
using MLNet.Autoencoders.Benchmarks.Infrastructure;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;

namespace MLNet.Autoencoders.Benchmarks.Measurements;

/// <summary>
/// Quality of a reference model after the reference's full budget, on the 10k test set, in the reference's terms: test
/// MSE per pixel (and PSNR for denoising), or ELBO and the importance-weighted log-likelihood (K = 100, first 1,000
/// test images) for the VAE.
/// </summary>
internal static class QualityMeasurement
{
    public static JsonObject Run(BenchmarkArgs args)
    {
        string model = args.Get("--model", "mlp");
        var mlContext = new MLContext(seed: args.GetInt("--seed", 0));
        var train = TrainingData.View(mlContext, args, train: true, model);
        var testArrays = TrainingData.Arrays(args, train: false, model);
        var test = FashionMnist.ToDataView(mlContext, testArrays);
        var options = BenchmarkModels.Options(model);
        options.Epochs = args.GetInt("--epochs", options.Epochs);
        options.NumberOfThreads = args.GetIntOrNull("--threads");
        options.EpochCallback = r => Console.WriteLine($"[{model}] {r}; RSS {ProcessStats.RssMb:F0} MB");
        var result = new JsonObject { ["kind"] = "quality", ["implementation"] = "MLNet.Autoencoders", ["model"] = model, ["epochs"] = options.Epochs };

        using var fitted = BenchmarkModels.Fit(mlContext, options, train);
        if (fitted.Transformer is VaeTransformer vae)
        {
            var evaluation = vae.Evaluate(test, importanceSamples: 1);
            var firstThousand = FashionMnist.ToDataView(mlContext, testArrays.Slice(0, 1000));
            result["test_elbo_nats"] = evaluation.Elbo;
            result["iwae_K100_first1000_nats"] = vae.Evaluate(firstThousand, importanceSamples: 100).ImportanceWeightedLogLikelihood;
        }
        else
        {
            var transformer = (AutoencoderTransformer)fitted.Transformer;
            result["test_mse_per_pixel"] = ReconstructionMse(transformer, testArrays.Features, testArrays.Features);
            if (options is DenoisingAutoencoderOptions)
            {
                // One fixed noisy copy of the test set, as the reference makes it.
                var random = new Random(1234);
                var noisy = (float[])testArrays.Features.Clone();
                for (int i = 0; i < noisy.Length; i++)
                {
                    noisy[i] = model == "dae_gauss"
                        ? Math.Clamp(noisy[i] + 0.3f * (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())), 0, 1)
                        : random.NextDouble() < 0.3 ? 0 : noisy[i];
                }
                double noisyMse = noisy.Select((v, i) => (double)(v - testArrays.Features[i]) * (v - testArrays.Features[i])).Average();
                double denoisedMse = ReconstructionMse(transformer, noisy, testArrays.Features);
                result["noisy_psnr_db"] = 10 * Math.Log10(1 / noisyMse);
                result["denoised_psnr_db"] = 10 * Math.Log10(1 / denoisedMse);
            }
        }
        Console.WriteLine(result.ToJsonString());
        return result;
    }

    /// <summary>Mean squared error per value between the reconstruction of <paramref name="input"/> and <paramref name="target"/>.</summary>
    private static double ReconstructionMse(AutoencoderTransformer transformer, float[] input, float[] target)
    {
        int size = transformer.InputSize;
        double sum = 0;
        for (int row = 0; row < input.Length / size; row++)
        {
            var reconstruction = transformer.Reconstruct(input.AsSpan(row * size, size));
            for (int j = 0; j < size; j++)
            {
                double d = reconstruction[j] - target[row * size + j];
                sum += d * d;
            }
        }
        return sum / input.Length;
    }
}
