package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;

/**
 * Exact scoring as Qdrant does it: vectors are f32; Cosine vectors are normalised when stored
 * (and a Cosine query too), so the cosine score is the dot product of the normalised vectors;
 * Euclid and Manhattan report the distance itself and rank the smallest first.
 */
final class Scoring {
    private Scoring() {
    }

    /** The vector as Qdrant stores it for {@code distance}. */
    static float[] stored(JsonNode values, String distance) {
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) values.get(i).asDouble();
        }
        if (!distance.equals("Cosine")) {
            return vector;
        }
        double norm = 0;
        for (float v : vector) {
            norm += (double) v * v;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            return vector;
        }
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) (vector[i] / norm);
        }
        return vector;
    }

    static float score(String distance, float[] query, float[] point) {
        double sum = 0;
        // one loop per distance: a switch on the name inside the loop cost more than the arithmetic
        switch (distance) {
            case "Cosine", "Dot" -> {
                for (int i = 0; i < query.length; i++) {
                    sum += (double) query[i] * point[i];
                }
            }
            case "Euclid" -> {
                for (int i = 0; i < query.length; i++) {
                    sum += ((double) query[i] - point[i]) * ((double) query[i] - point[i]);
                }
            }
            case "Manhattan" -> {
                for (int i = 0; i < query.length; i++) {
                    sum += Math.abs((double) query[i] - point[i]);
                }
            }
            default -> throw new IllegalStateException("unknown distance " + distance);
        }
        return (float) (distance.equals("Euclid") ? Math.sqrt(sum) : sum);
    }

    /** True when a bigger score is a better match. */
    static boolean biggerIsBetter(String distance) {
        return distance.equals("Cosine") || distance.equals("Dot");
    }

    /** A float the way Qdrant prints an f32 (shortest text that reads back to the same float). */
    static JsonNode number(float value) {
        return DoubleNode.valueOf(Double.parseDouble(Float.toString(value)));
    }

    static ArrayNode array(float[] vector) {
        ArrayNode array = Replies.JSON.createArrayNode();
        for (float v : vector) {
            array.add(number(v));
        }
        return array;
    }
}
