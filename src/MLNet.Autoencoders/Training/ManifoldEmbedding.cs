using System.Runtime.Intrinsics.X86;
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
    // Edges ahead whose rows are prefetched: far enough for a cache miss (~100 ns) to resolve behind the skipped edges.
    private const int PrefetchDistance = 16;

    /// <summary>The fuzzy graph of each row's <paramref name="neighbors"/> nearest rows (UMAP's first step).</summary>
    public static NeighborGraph Graph(Tensor latent, int neighbors, Action checkAlive)
    {
        int n = (int)latent.shape[0];
        int k = Math.Min(neighbors, n);
        var (indices, distances) = NearestNeighbors(latent, k, checkAlive);
        return FuzzyGraph(indices, distances, n, k);
    }

    /// <summary>Lays the rows of <paramref name="graph"/> out in <paramref name="dimensions"/> dimensions, starting from the
    /// principal components of <paramref name="latent"/> (UMAP's second step).</summary>
    /// <returns>The layout, row-major N × dimensions.</returns>
    public static float[] Layout(Tensor latent, NeighborGraph graph, int dimensions, Random random, Action checkAlive)
    {
        int n = (int)latent.shape[0];
        float[] layout = PrincipalStart(latent, dimensions, random);
        int epochs = n > 10_000 ? 200 : 500;
        Optimize(layout, dimensions, graph.Heads, graph.Tails, graph.Weights, epochs, n, random, checkAlive);
        return layout;
    }

    /// <summary>Each row's k nearest rows (itself first, at distance 0) by Euclidean distance, exact, in batches of rows.</summary>
    internal static (int[] Indices, float[] Distances) NearestNeighbors(Tensor latent, int k, Action checkAlive)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long n = latent.shape[0];
        var x = latent.to_type(ScalarType.Float32);
        var norms = x.pow(2).sum(1);
        var indices = new int[n * k];
        var distances = new float[n * k];
        // One distance block for all batches: a fresh [1024, N] block per batch (287 MB at 70,000 rows) is mapped and
        // zeroed page by page each time, which cost as much as the products themselves.
        var block = empty(Math.Min(DistanceBatch, n), n, dtype: ScalarType.Float32);
        for (long start = 0; start < n; start += DistanceBatch)
        {
            checkAlive();
            using var batch = NewDisposeScope();
            long count = Math.Min(DistanceBatch, n - start);
            var rows = x.narrow(0, start, count);
            // ‖x_j‖² − 2·r·x_j in one product: the row's own ‖r‖² does not change its ranking, so it is added to the k
            // values kept only (one pass over the [count, N] block instead of five; the selection is what costs).
            var partial = block.narrow(0, 0, count);
            partial.copy_(norms.unsqueeze(0).expand(count, n)).addmm_(rows, x.t(), beta: 1, alpha: -2);
            // A row is its own first neighbour even when it has exact duplicates.
            partial.index_put_(tensor(float.NegativeInfinity), arange(count), arange(start, start + count));
            var (values, found) = partial.topk(k, dim: 1, largest: false, sorted: true);
            values = values + norms.narrow(0, start, count).unsqueeze(1);
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
    private static NeighborGraph FuzzyGraph(int[] indices, float[] distances, int n, int k)
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
        return new NeighborGraph(heads.ToArray(), tails.ToArray(), weights.ToArray());
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
    /// the learning rate falls linearly from 1 to 0. About 100 million pulls and 500 million pushes at 70,000 rows, so the
    /// inner loops work on raw pointers, in single precision, with one power per sample and a private xorshift stream
    /// (seeded from <paramref name="random"/>) for the negative rows.</summary>
    private static unsafe void Optimize(float[] layout, int dims, int[] heads, int[] tails, float[] weights, int epochs, int n, Random random, Action checkAlive)
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
        const float a = (float)A, b = (float)B;
        var stream = new XorShiftStream(random.NextInt64());
        fixed (float* rows = layout)
        {
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                checkAlive();
                float alpha = (float)(1.0 - (double)epoch / epochs);
                for (int e = 0; e < edges; e++)
                {
                    // The rows are read in random order (about one cache miss each): ask for the rows of the edge
                    // PrefetchDistance ahead and of the next negative row now, so their loads overlap this edge's work.
                    if (e + PrefetchDistance < edges)
                    {
                        Prefetch(rows + (long)heads[e + PrefetchDistance] * dims);
                        Prefetch(rows + (long)tails[e + PrefetchDistance] * dims);
                    }
                    if (epochsPerSample[e] <= 0 || nextSample[e] > epoch) continue;
                    float* head = rows + (long)heads[e] * dims, tail = rows + (long)tails[e] * dims;
                    float d2 = SquaredDistance(head, tail, dims);
                    if (d2 > 0)
                    {
                        // d^(2(b−1)) as d^(2b) / d²: one power per sample instead of two.
                        float power = MathF.Pow(d2, b);
                        float coefficient = -2 * a * b * power / (d2 * (a * power + 1));
                        for (int d = 0; d < dims; d++)
                        {
                            float g = Clip(coefficient * (head[d] - tail[d])) * alpha;
                            head[d] += g;
                            tail[d] -= g;
                        }
                    }
                    nextSample[e] += epochsPerSample[e];

                    double perNegative = epochsPerSample[e] / NegativeSampleRate;
                    int negatives = (int)((epoch - nextNegative[e]) / perNegative);
                    for (int s = 0; s < negatives; s++)
                    {
                        int other = stream.Next(n);
                        Prefetch(rows + (long)stream.Peek(n) * dims);
                        if (other == heads[e]) continue;
                        float* away = rows + (long)other * dims;
                        float nd2 = SquaredDistance(head, away, dims);
                        if (nd2 > 0)
                        {
                            float coefficient = 2 * b / ((0.001f + nd2) * (a * MathF.Pow(nd2, b) + 1));
                            for (int d = 0; d < dims; d++) head[d] += Clip(coefficient * (head[d] - away[d])) * alpha;
                        }
                        else
                        {
                            for (int d = 0; d < dims; d++) head[d] += 4 * alpha;
                        }
                    }
                    nextNegative[e] += negatives * perNegative;
                }
            }
        }
    }

    private static unsafe float SquaredDistance(float* a, float* b, int dims)
    {
        float sum = 0;
        for (int d = 0; d < dims; d++)
        {
            float diff = a[d] - b[d];
            sum += diff * diff;
        }
        return sum;
    }

    /// <summary>Marsaglia's xorshift64* (2003; Vigna 2016) for the negative rows, drawn about 500 million times per layout
    /// at 70,000 rows: a few instructions per draw, seeded from the caller's <see cref="Random"/> so the layout stays reproducible.</summary>
    private struct XorShiftStream(long seed)
    {
        private ulong state = seed == 0 ? 0x9E3779B97F4A7C15UL : (ulong)seed;

        /// <summary>A row index in [0, n): the top 32 bits scaled by n (Lemire 2019, bias below n / 2^32).</summary>
        public int Next(int n)
        {
            state = Advance(state);
            return Scale(state, n);
        }

        /// <summary>The index the next <see cref="Next"/> call will return, without drawing it.</summary>
        public readonly int Peek(int n) => Scale(Advance(state), n);

        private static ulong Advance(ulong s)
        {
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            return s;
        }

        private static int Scale(ulong s, int n) => (int)(((s * 0x2545F4914F6CDD1DUL) >> 32) * (ulong)n >> 32);
    }

    /// <summary>Hints the processor to load the row at <paramref name="row"/> into cache; no effect on the values (and none
    /// on processors without SSE).</summary>
    private static unsafe void Prefetch(float* row)
    {
        if (Sse.IsSupported) Sse.Prefetch0(row);
    }

    private static float Clip(float value) => value > 4 ? 4 : value < -4 ? -4 : value;
}
