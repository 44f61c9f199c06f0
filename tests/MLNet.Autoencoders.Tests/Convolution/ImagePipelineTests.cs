using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Convolution;

public class ImagePipelineTests
{
    private sealed class ImageRow
    {
        public string ImagePath { get; set; } = "";
    }

    [Fact]
    public void Convolutional_autoencoder_runs_after_LoadImages_ResizeImages_ExtractPixels_on_a_folder_of_PNGs()
    {
        var images = FashionMnist.LoadEmbeddedArrays(maxRows: 48);
        string folder = Path.Combine(Path.GetTempPath(), $"mlnet-ae-png-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var rows = new List<ImageRow>();
            for (int i = 0; i < images.Count; i++)
            {
                var pixels = images.GetFeatures(i).ToArray().Select(v => (byte)Math.Round(v * 255)).ToArray();
                string path = Path.Combine(folder, $"{i:D3}.png");
                PngFile.WriteGray(path, pixels, 28, 28);
                rows.Add(new ImageRow { ImagePath = path });
            }

            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(rows);
            // The images are 28×28 already; resizing to 32×32 shows the pipeline's own size, not the file's, is what counts.
            var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImageRow.ImagePath))
                .Append(ml.Transforms.ResizeImages("Image", imageWidth: 32, imageHeight: 32))
                .Append(ml.Transforms.ExtractPixels("Pixels", "Image", colorsToExtract: Microsoft.ML.Transforms.Image.ImagePixelExtractingEstimator.ColorBits.Red,
                    scaleImage: 1f / 255, outputAsFloatArray: true))
                .Append(ml.Transforms.Autoencoder(new AutoencoderOptions
                {
                    InputColumnName = "Pixels", OutputColumnName = "Latent", LatentDimension = 8, HiddenLayerSizes = [], Epochs = 2, BatchSize = 16,
                    ReconstructionColumnName = "Rebuilt",
                    Convolution = new ConvolutionOptions(new ImageShape(1, 32, 32)) { Channels = [4, 8] },
                }));
            var model = pipeline.Fit(data);
            var scored = model.Transform(data);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 8), scored.Schema["Latent"].Type);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1024), scored.Schema["Rebuilt"].Type);
            var latents = ColumnReader.ReadVectors(scored, "Latent");
            Assert.Equal(images.Count, latents.Length);
            Assert.All(latents.SelectMany(l => l), v => Assert.True(float.IsFinite(v)));

            // The pixels the autoencoder saw are the image's: in [0, 1] and not blank.
            var pixelsSeen = ColumnReader.ReadVectors(scored, "Pixels");
            Assert.All(pixelsSeen.SelectMany(p => p), v => Assert.InRange(v, 0f, 1f));
            Assert.True(pixelsSeen[0].Max() > 0.5f);

            // The whole chain saves and loads as an ML.NET model.
            using var file = new TempFile();
            ml.Model.Save(model, data.Schema, file.Path);
            var loaded = new MLContext().Model.Load(file.Path, out _);
            Assert.True(SyntheticData.MaxAbsDifference(latents, ColumnReader.ReadVectors(loaded.Transform(data), "Latent")) < 1e-5);

            // A wrong image shape is caught with the sizes named.
            var wrong = ml.Transforms.Autoencoder(new AutoencoderOptions
            {
                InputColumnName = "Pixels", OutputColumnName = "Latent", LatentDimension = 8,
                Convolution = new ConvolutionOptions(new ImageShape(1, 28, 28)),
            });
            var pixelsOnly = model.Take(3).Aggregate(data, (view, step) => step.Transform(view));
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => wrong.Fit(pixelsOnly));
            Assert.Contains("Column 'Pixels' has 1024 features, but the image shape 1×28×28 needs 784", e.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
