using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>
/// UMAP (McInnes, Healy &amp; Melville 2018) of latent rows, as N2D uses it before clustering (McConville et al. 2020, "N2D:
/// (Not Too) Deep Clustering via Clustering the Local Manifold of an Autoencoded Embedding"): the exact k-nearest-neighbour
/// graph, its fuzzy simplicial set (per-row ρ and σ, symmetrised by fuzzy union), then a layout found by stochastic gradient
/// descent with negative sampling. Minimum distance 0 (N2D: clusters pack tightly), spread 1, 5 negative samples per edge,
/// 200 epochs above 10,000 rows and 500 below, as umap-learn. The start is the rows' own principal components scaled to
/// [0, 10] (umap-learn starts from a spectral layout; measured on Fashion-MNIST latents to cluster as well).
/// Single-threaded and seeded: the same rows and seed give the same layout.
/// </summary>
internal static class ManifoldEmbedding
{
    // The curve 1 / (1 + a·d^(2b)) fitted to the membership for minimum distance 0 and spread 1 (umap-learn's find_ab_params(1, 0)).
    private const double A = 1.9328083978536088, B = 0.7904949734413567;
    private const int NegativeSampleRate = 5;
    private const int DistanceBatch = 1024;

    /// <summary>Lays <paramref name="latent"/> ([N, L]) out in <paramref name="dimensions"/> dimensions.</summary>
    /// <returns>The layout, row-major N × dimensions.</returns>
    public static float[] Fit(Tensor latent, int dimensions, int neighbors, Random random, Action checkAlive)
    {
        int n = (int)latent.shape[0];
        int k = Math.Min(neighbors, n);
        var (indices, distances) = NearestNeighbors(latent, k, checkAlive);
        var (heads, tails, weights) = FuzzyGraph(indices, distances, n, k);
        float[] layout = PrincipalStart(latent, dimensions, random);
        int epochs = n > 10_000 ? 200 : 500;
        Optimize(layout, dimensions, heads, tails, weights, epochs, n, random, checkAlive);
        return layout;
    }

    /// <summary>Each row's k nearest rows (itself first, at distance 0) by Euclidean distance, exact, in batches of rows.</summary>
    private static (int[] Indices, float[] Distances) NearestNeighbors(Tensor latent, int k, Action checkAlive)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long n = latent.shape[0];
        var x = latent.to_type(ScalarType.Float32);
        var norms = x.pow(2).sum(1);
        var indices = new int[n * k];
        var distances = new float[n * k];
        for (long start = 0; start < n; start += DistanceBatch)
        {
            checkAlive();
            using var batch = NewDisposeScope();
            long count = Math.Min(DistanceBatch, n - start);
            var rows = x.narrow(0, start, count);
            var d2 = (norms.narrow(0, start, count).unsqueeze(1) - 2 * rows.matmul(x.t()) + norms.unsqueeze(0)).clamp_min(0);
            // A row is its own first neighbour even when it has exact duplicates.
            d2.index_put_(tensor(-1f), arange(count), arange(start, start + count));
            var (values, found) = d2.topk(k, dim: 1, largest: false, sorted: true);
            var foundIndices = found.to_type(ScalarType.Int32).data<int>().ToArray();
            var foundDistances = values.clamp_min(0).sqrt().data<float>().ToArray();
            Array.Copy(foundIndices, 0, indices, start * k, foundIndices.Length);
            Array.Copy(foundDistances, 0, distances, start * k, foundDistances.Length);
        }
        return (indices, distances);
    }

    /// <summary>The fuzzy union of the rows' local fuzzy sets: directed memberships exp(−(d − ρ)/σ), with ρ the distance to
    /// the nearest other row and σ such that the memberships sum to log2(k); then w = a + b − a·b over both directions.
    /// Edges lighter than max/epochs are dropped later by the sampling (they would never be sampled). Both directions are
    /// listed, as umap-learn's symmetric graph holds them.</summary>
    private static (int[] Heads, int[] Tails, float[] Weights) FuzzyGraph(int[] indices, float[] distances, int n, int k)
    {
        var directed = new Dictionary<long, float>(n * k);
        double target = Math.Log2(k);
        double meanAll = distances.Average(d => (double)d);
        for (int i = 0; i < n; i++)
        {
            int offset = i * k;
            double rho = 0;
            for (int j = 1; j < k; j++)
                if (distances[offset + j] > 0) { rho = distances[offset + j]; break; }
            double sigma = SmoothDistance(distances, offset, k, rho, target);
            double meanRow = 0;
            for (int j = 0; j < k; j++) meanRow += distances[offset + j];
            meanRow /= k;
            sigma = Math.Max(sigma, 1e-3 * (rho > 0 ? meanRow : meanAll));
            for (int j = 0; j < k; j++)
            {
                int other = indices[offset + j];
                if (other == i) continue;
                double excess = distances[offset + j] - rho;
                double membership = excess <= 0 ? 1 : Math.Exp(-excess / sigma);
                directed[(long)i * n + other] = (float)membership;
            }
        }
        var heads = new List<int>(directed.Count * 2);
        var tails = new List<int>(directed.Count * 2);
        var weights = new List<float>(directed.Count * 2);
        foreach (var (key, forward) in directed)
        {
            int i = (int)(key / n), j = (int)(key % n);
            bool hasBackward = directed.TryGetValue((long)j * n + i, out float backward);
            if (hasBackward && j < i) continue; // the pair was written when its first direction came up
            float union = forward + backward - forward * backward;
            heads.Add(i); tails.Add(j); weights.Add(union);
            heads.Add(j); tails.Add(i); weights.Add(union);
        }
        return (heads.ToArray(), tails.ToArray(), weights.ToArray());
    }

    /// <summary>σ by bisection so that Σ_j exp(−max(0, d_j − ρ)/σ) over the row's other neighbours is log2(k) (64 steps, as umap-learn).</summary>
    private static double SmoothDistance(float[] distances, int offset, int k, double rho, double target)
    {
        double low = 0, high = double.PositiveInfinity, mid = 1;
        for (int step = 0; step < 64; step++)
        {
            double sum = 0;
            for (int j = 1; j < k; j++)
            {
                double excess = distances[offset + j] - rho;
                sum += excess > 0 ? Math.Exp(-excess / mid) : 1;
            }
            if (Math.Abs(sum - target) < 1e-5) break;
            if (sum > target) { high = mid; mid = (low + high) / 2; }
            else { low = mid; mid = double.IsPositiveInfinity(high) ? mid * 2 : (low + high) / 2; }
        }
        return mid;
    }

    /// <summary>The first principal components of the latent, each scaled to [0, 10], plus a little seeded noise so that
    /// identical rows can separate.</summary>
    private static float[] PrincipalStart(Tensor latent, int dimensions, Random random)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = latent.to_type(ScalarType.Float64);
        var centred = x - x.mean([0], keepdim: true);
        var (_, _, vh) = linalg.svd(centred, fullMatrices: false);
        int available = (int)vh.shape[0];
        var projected = centred.matmul(vh.narrow(0, 0, Math.Min(dimensions, available)).t());
        if (available < dimensions)
            projected = cat([projected, zeros(x.shape[0], dimensions - available, dtype: ScalarType.Float64)], 1);
        var low = projected.amin([0], keepdim: true);
        var span = (projected.amax([0], keepdim: true) - low).clamp_min(1e-12);
        var scaled = (10 * (projected - low) / span).to_type(ScalarType.Float32).data<float>().ToArray();
        for (int i = 0; i < scaled.Length; i++) scaled[i] += (float)(1e-4 * (random.NextDouble() * 2 - 1));
        return scaled;
    }

    /// <summary>umap-learn's optimize_layout_euclidean: each edge is sampled in proportion to its weight, pulled together
    /// (both ends move) and followed by <see cref="NegativeSampleRate"/> random rows pushed away; gradients clipped to ±4;
    /// the learning rate falls linearly from 1 to 0.</summary>
    private static void Optimize(float[] layout, int dims, int[] heads, int[] tails, float[] weights, int epochs, int n, Random random, Action checkAlive)
    {
        float maxWeight = weights.Length == 0 ? 0 : weights.Max();
        int edges = weights.Length;
        var epochsPerSample = new double[edges];
        var nextSample = new double[edges];
        var nextNegative = new double[edges];
        for (int e = 0; e < edges; e++)
        {
            double samples = epochs * (weights[e] / maxWeight);
            epochsPerSample[e] = samples >= 1 ? epochs / samples : -1; // below one sample per run: never sampled
            nextSample[e] = epochsPerSample[e];
            nextNegative[e] = epochsPerSample[e] / NegativeSampleRate;
        }
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            checkAlive();
            float alpha = (float)(1.0 - (double)epoch / epochs);
            for (int e = 0; e < edges; e++)
            {
                if (epochsPerSample[e] <= 0 || nextSample[e] > epoch) continue;
                int head = heads[e] * dims, tail = tails[e] * dims;
                float d2 = SquaredDistance(layout, head, tail, dims);
                if (d2 > 0)
                {
                    float coefficient = (float)(-2 * A * B * Math.Pow(d2, B - 1) / (A * Math.Pow(d2, B) + 1));
                    for (int d = 0; d < dims; d++)
                    {
                        float g = Clip(coefficient * (layout[head + d] - layout[tail + d])) * alpha;
                        layout[head + d] += g;
                        layout[tail + d] -= g;
                    }
                }
                nextSample[e] += epochsPerSample[e];

                double perNegative = epochsPerSample[e] / NegativeSampleRate;
                int negatives = (int)((epoch - nextNegative[e]) / perNegative);
                for (int s = 0; s < negatives; s++)
                {
                    int other = random.Next(n);
                    if (other == heads[e]) continue;
                    int tailOffset = other * dims;
                    float nd2 = SquaredDistance(layout, head, tailOffset, dims);
                    float coefficient = nd2 > 0 ? (float)(2 * B / ((0.001 + nd2) * (A * Math.Pow(nd2, B) + 1))) : 0;
                    for (int d = 0; d < dims; d++)
                        layout[head + d] += (coefficient > 0 ? Clip(coefficient * (layout[head + d] - layout[tailOffset + d])) : 4) * alpha;
                }
                nextNegative[e] += negatives * perNegative;
            }
        }
    }

    private static float SquaredDistance(float[] layout, int a, int b, int dims)
    {
        float sum = 0;
        for (int d = 0; d < dims; d++)
        {
            float diff = layout[a + d] - layout[b + d];
            sum += diff * diff;
        }
        return sum;
    }

    private static float Clip(float value) => value > 4 ? 4 : value < -4 ? -4 : value;
}
