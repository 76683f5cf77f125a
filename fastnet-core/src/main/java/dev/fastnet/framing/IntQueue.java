package dev.fastnet.framing;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * A first-in first-out queue of ints that grows as needed, without boxing. Not
 * thread-safe.
 */
final class IntQueue {

	private int[] elements = new int[16];

	private int head;

	private int size;

	void add(int value) {
		if (this.size == this.elements.length) {
			grow();
		}
		this.elements[(this.head + this.size) & (this.elements.length - 1)] = value;
		this.size++;
	}

	boolean isEmpty() {
		return this.size == 0;
	}

	/**
	 * Remove and return the oldest value.
	 * @throws NoSuchElementException when the queue is empty
	 */
	int remove() {
		if (this.size == 0) {
			throw new NoSuchElementException();
		}
		int value = this.elements[this.head];
		this.head = (this.head + 1) & (this.elements.length - 1);
		this.size--;
		return value;
	}

	int size() {
		return this.size;
	}

	private void grow() {
		int[] grown = Arrays.copyOf(this.elements, this.elements.length * 2);
		// The values that wrapped around go after the old end
		System.arraycopy(this.elements, 0, grown, this.elements.length, this.head);
		this.elements = grown;
	}

}
